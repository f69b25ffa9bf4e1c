export { formatTraceMarkdown, formatTraceText } from './formatTrace';
export type { LookupTrace, TierProbe, TraceStep } from './lookupTrace';
export { TraceRecorder, type TraceContext } from './traceRecorder';
