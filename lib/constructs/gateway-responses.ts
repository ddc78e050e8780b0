import * as apigw from 'aws-cdk-lib/aws-apigateway';
import {
  GATEWAY_RESPONSE_HEADERS,
  GATEWAY_RESPONSES,
  type GatewayResponseType,
  isDefaultResponse,
  problemTemplate,
} from '../config/gateway';

/** CDK response type of each customised gateway response of `lib/config/gateway.ts`. */
const RESPONSE_TYPES: Readonly<Record<GatewayResponseType, apigw.ResponseType>> = {
  UNAUTHORIZED: apigw.ResponseType.UNAUTHORIZED,
  EXPIRED_TOKEN: apigw.ResponseType.EXPIRED_TOKEN,
  ACCESS_DENIED: apigw.ResponseType.ACCESS_DENIED,
  INVALID_API_KEY: apigw.ResponseType.INVALID_API_KEY,
  MISSING_AUTHENTICATION_TOKEN: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
  WAF_FILTERED: apigw.ResponseType.WAF_FILTERED,
  THROTTLED: apigw.ResponseType.THROTTLED,
  QUOTA_EXCEEDED: apigw.ResponseType.QUOTA_EXCEEDED,
  AUTHORIZER_FAILURE: apigw.ResponseType.AUTHORIZER_FAILURE,
  AUTHORIZER_CONFIGURATION_ERROR: apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR,
  INTEGRATION_TIMEOUT: apigw.ResponseType.INTEGRATION_TIMEOUT,
  REQUEST_TOO_LARGE: apigw.ResponseType.REQUEST_TOO_LARGE,
  DEFAULT_4XX: apigw.ResponseType.DEFAULT_4XX,
  DEFAULT_5XX: apigw.ResponseType.DEFAULT_5XX,
};

/** {@link GATEWAY_RESPONSE_HEADERS} as API Gateway static mapping values (single-quoted). */
export function quotedResponseHeaders(): Record<string, string> {
  return Object.fromEntries(Object.entries(GATEWAY_RESPONSE_HEADERS).map(([k, v]) => [k, `'${v}'`]));
}

/** Adds the gateway responses of `lib/config/gateway.ts` (`GATEWAY_RESPONSES`) to `api`. */
export function addProblemGatewayResponses(api: apigw.RestApi): void {
  for (const spec of GATEWAY_RESPONSES) {
    api.addGatewayResponse(`Problem${spec.type}`, {
      type: RESPONSE_TYPES[spec.type],
      // DEFAULT_* keep the status of the error they stand for.
      ...(isDefaultResponse(spec) ? {} : { statusCode: String(spec.status) }),
      responseHeaders: quotedResponseHeaders(),
      templates: { 'application/json': problemTemplate(spec) },
    });
  }
}
