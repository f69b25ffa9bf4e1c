import { ForeignBinaryError } from './errors';
import { binaryMismatch, binaryPlatform, type BinaryPlatform } from './nativeBinaryHeader';
import type { PlatformTarget } from './platformTarget';
import { zipEntries } from './zipEntries';

/** A native binary inside a VSIX and what its header says. */
export interface VsixBinary {
  /** The entry name, e.g. `extension/node_modules/@surrealdb/node/dist/surrealdb-node.linux-x64-gnu.node`. */
  readonly entry: string;
  readonly platform: BinaryPlatform | undefined;
  /** Why it cannot run on the target; undefined when it fits. */
  readonly mismatch: string | undefined;
}

/** Reads every `.node` file in a VSIX and judges its header against `target`. */
export function vsixBinaries(file: string, target: PlatformTarget): VsixBinary[] {
  return zipEntries(file)
    .filter((entry) => entry.name.endsWith('.node'))
    .map((entry) => {
      const bytes = entry.read();
      return { entry: entry.name, platform: binaryPlatform(bytes), mismatch: binaryMismatch(bytes, target) };
    });
}

/** Throws ForeignBinaryError naming each binary in the VSIX that is not for `target`; returns them all otherwise. */
export function checkVsixBinaries(file: string, target: PlatformTarget): VsixBinary[] {
  const binaries = vsixBinaries(file, target);
  const foreign = binaries.filter((binary) => binary.mismatch !== undefined);
  if (foreign.length > 0) {
    throw new ForeignBinaryError(
      `${file} (${target.name}) carries binaries for another platform: ` +
        foreign.map((binary) => `${binary.entry}: ${binary.mismatch}`).join('; '),
    );
  }
  return binaries;
}
