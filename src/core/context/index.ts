export * from './snapshot';
export * from './errors';
export { buildSnapshot, type SnapshotRequest } from './buildSnapshot';
export { checkSnapshot, type CurrentContext } from './checkSnapshot';
export { hashSubset, combinePartHashes, sha256 } from './hash';
export { filePartId } from './filePart';
