/**
 * A report as stored in the `reports` table (partition key `tenantId`, sort key `reportId`) and returned by
 * `GET /v1/reports/{reportId}`.
 */
export interface Report {
  /** Owning tenant — always the caller's tenant from the authorizer context, never client input. */
  tenantId: string;
  /** ULID (26 Crockford base32 chars, time-ordered): lists sort newest first. */
  reportId: string;
  /** 1–200 characters. */
  title: string;
  /** Free text, at most 32 KiB (32 768 bytes) UTF-8. */
  body: string;
  /** 0–20 unique tags of 1–50 characters. */
  tags: string[];
  /** Auth0 `sub` of the creator. */
  createdBy: string;
  /** ISO 8601 UTC creation time. */
  createdAt: string;
}

/** A list entry of `GET /v1/reports`: the report without its `body`. */
export type ReportSummary = Omit<Report, 'body'>;

/** One page of `GET /v1/reports`. */
export interface ReportPage {
  items: ReportSummary[];
  /** Opaque cursor for the next page; absent on the last page. */
  nextCursor?: string;
}
