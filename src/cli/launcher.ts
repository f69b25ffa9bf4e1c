import { join } from 'node:path';
import { requireWithCodeCache } from './codeCache';

// `claude-cache`: a few lines that load the engine's bundle (cli-main.js, built from main.ts) with V8's code
// cache, so a cached `run` costs little more than Node's own start (see codeCache.ts).
// msgpackr's native string extractor speeds up decoding many large values, which one command never does; loading
// it costs a start a native module lookup (https://github.com/kriszyp/msgpackr#native-acceleration).
process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED ??= 'true';
const main = requireWithCodeCache(join(__dirname, 'cli-main.js'), process.argv[2]) as { runFromProcess(): void };
main.runFromProcess();
