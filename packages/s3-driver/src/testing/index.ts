// Test helpers other packages' tests share (architecture.md: through a `testing` export).
export { type S3Engine, startS3Engine } from './s3-engine.js';
