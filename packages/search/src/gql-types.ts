// The objects the resolvers hand to graphql-js: zot's GraphQL types (schema.graphql) field for field, with zot's
// PascalCase names, so the default field resolvers serve them as they are. Times are already in zot's `Time`
// form (RFC 3339 with nanoseconds, see time.ts); sizes are strings, as zot sends its int64 sizes.

export interface Platform {
  Os: string;
  Arch: string;
}

export interface Annotation {
  Key: string;
  Value: string;
}

export interface Referrer {
  MediaType: string;
  ArtifactType: string;
  Size: number;
  Digest: string;
  Annotations: Annotation[];
}

export interface SignatureSummary {
  Tool: string;
  IsTrusted: boolean;
  Author: string;
}

export interface LayerSummary {
  Size: string;
  Digest: string;
}

export interface HistoryDescription {
  Created?: string | null;
  CreatedBy?: string;
  Author?: string;
  Comment?: string;
  EmptyLayer?: boolean;
}

export interface LayerHistory {
  Layer: LayerSummary | null;
  HistoryDescription: HistoryDescription;
}

export interface ImageVulnerabilitySummary {
  MaxSeverity: string;
  Count: number;
  UnknownCount: number;
  LowCount: number;
  MediumCount: number;
  HighCount: number;
  CriticalCount: number;
}

export interface ManifestSummary {
  Digest: string;
  ConfigDigest: string;
  LastUpdated: string;
  Size: string;
  IsSigned: boolean;
  SignatureInfo: SignatureSummary[];
  Platform: Platform;
  DownloadCount: number;
  Layers: LayerSummary[];
  History: LayerHistory[];
  Vulnerabilities: ImageVulnerabilitySummary;
  Referrers: Referrer[];
  ArtifactType: string;
}

export interface ImageSummary {
  RepoName: string;
  Tag: string;
  Digest: string;
  MediaType: string;
  Manifests: ManifestSummary[];
  Size: string;
  DownloadCount: number;
  LastPullTimestamp: string;
  PushTimestamp: string;
  PushedBy: string;
  TaggedTimestamp: string;
  LastUpdated: string;
  Description: string;
  IsSigned: boolean;
  SignatureInfo: SignatureSummary[];
  Licenses: string;
  Labels: string;
  Title: string;
  Source: string;
  Documentation: string;
  Vendor: string;
  Authors: string;
  Vulnerabilities: ImageVulnerabilitySummary;
  Referrers: Referrer[];
  IsDeletable?: boolean;
  /** Not in the schema: the update time as a number, for sorting without parsing strings again. */
  lastUpdatedMs: number;
}

export interface RepoSummary {
  Name: string;
  LastUpdated: string;
  Size: string;
  Platforms: Platform[];
  Vendors: string[];
  NewestImage: ImageSummary | null;
  DownloadCount: number;
  StarCount: number;
  IsBookmarked: boolean;
  IsStarred: boolean;
  Rank: number;
}

export interface PageInfo {
  TotalCount: number;
  ItemCount: number;
}

export interface Paginated<T> {
  Page: PageInfo;
  Results: T[];
}

/** zot without a CVE scanner answers every Vulnerabilities field with this zero summary (convert/cve.go). */
export const NO_VULNERABILITY_SCAN: ImageVulnerabilitySummary = Object.freeze({
  MaxSeverity: '',
  Count: 0,
  UnknownCount: 0,
  LowCount: 0,
  MediumCount: 0,
  HighCount: 0,
  CriticalCount: 0,
});
