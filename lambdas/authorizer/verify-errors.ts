import {
  FetchError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
  JwksValidationError,
  JwkValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { DependencyError, UnauthorizedError, type UnauthorizedReason } from './reasons';

const MAP: ReadonlyArray<[abstract new (...args: never[]) => Error, UnauthorizedReason]> = [
  [JwtParseError, 'token_malformed'],
  [JwtInvalidSignatureAlgorithmError, 'alg_not_allowed'],
  [JwtWithoutValidKidError, 'kid_unknown'],
  [KidNotFoundInJwksError, 'kid_unknown'],
  [WaitPeriodNotYetEndedJwkError, 'jwks_penalty_box'],
  [JwtInvalidSignatureError, 'signature_invalid'],
  [JwkValidationError, 'signature_invalid'],
  [JwkInvalidUseError, 'signature_invalid'],
  [JwkInvalidKtyError, 'signature_invalid'],
  [JwtExpiredError, 'token_expired'],
  [JwtNotBeforeError, 'token_not_yet_valid'],
  [JwtInvalidIssuerError, 'issuer_invalid'],
  [JwtInvalidAudienceError, 'audience_invalid'],
];

/**
 * Maps an error thrown while verifying a token (aws-jwt-verify 5) to what the authorizer does with it:
 * - JWKS could not be loaded (`FetchError`, an invalid JWKS document) → {@link DependencyError} (500, not the client's fault);
 * - every other error → {@link UnauthorizedError} with a reason code (401). Errors aws-jwt-verify does not name
 *   (e.g. Node crypto rejecting a key/alg mix a hostile token picked) become `token_invalid`: a client's token never
 *   causes a 500.
 */
export function classifyVerifyError(err: unknown): UnauthorizedError | DependencyError {
  if (err instanceof UnauthorizedError || err instanceof DependencyError) return err;
  if (err instanceof FetchError || err instanceof JwksValidationError)
    return new DependencyError('jwks', err);
  for (const [type, reason] of MAP) {
    if (err instanceof type) return new UnauthorizedError(reason, err.constructor.name);
  }
  return new UnauthorizedError('token_invalid', err instanceof Error ? err.name : typeof err);
}
