import type { PlatformTarget } from './platformTarget';

/** What a native binary's header says it runs on, in Node's `process.platform` / `process.arch` terms. */
export interface BinaryPlatform {
  readonly format: 'elf' | 'mach-o' | 'pe';
  /** The OS family the format belongs to: ELF is linux (here), Mach-O darwin, PE win32. */
  readonly os: 'linux' | 'darwin' | 'win32';
  /** Every CPU the file holds code for: one, or several for a universal (fat) Mach-O. */
  readonly cpus: readonly string[];
}

// ELF e_machine values (System V ABI, elf.h): EM_386 3, EM_ARM 40, EM_X86_64 62, EM_AARCH64 183.
const ELF_MACHINES: Readonly<Record<number, string>> = { 3: 'ia32', 40: 'arm', 62: 'x64', 183: 'arm64' };
// Mach-O cputype values (mach/machine.h): CPU_TYPE_X86 7, CPU_TYPE_ARM 12, with CPU_ARCH_ABI64 0x01000000.
const MACH_CPUS: Readonly<Record<number, string>> = { 0x01000007: 'x64', 0x0100000c: 'arm64', 7: 'ia32', 12: 'arm' };
// PE/COFF Machine values (Microsoft "PE Format", Machine Types): I386 0x14c, ARMNT 0x1c4, AMD64 0x8664, ARM64 0xaa64.
const PE_MACHINES: Readonly<Record<number, string>> = { 0x14c: 'ia32', 0x1c4: 'arm', 0x8664: 'x64', 0xaa64: 'arm64' };

const MACH_O_64_LE = 0xfeedfacf; // read little-endian: the bytes cf fa ed fe
const MACH_O_32_LE = 0xfeedface;
const MACH_O_FAT_BE = 0xcafebabe;

/** Reads the platform a `.node` file (a shared library) was built for from its first bytes; undefined if unknown. */
export function binaryPlatform(bytes: Buffer): BinaryPlatform | undefined {
  if (bytes.length < 64) return undefined;
  if (bytes.readUInt32BE(0) === 0x7f454c46) {
    // EI_DATA (byte 5) says how the rest is ordered: 1 little-endian, 2 big-endian; e_machine sits at 18.
    const machine = bytes[5] === 2 ? bytes.readUInt16BE(18) : bytes.readUInt16LE(18);
    return { format: 'elf', os: 'linux', cpus: [ELF_MACHINES[machine] ?? `elf-machine-${machine}`] };
  }
  const magicLe = bytes.readUInt32LE(0);
  if (magicLe === MACH_O_64_LE || magicLe === MACH_O_32_LE) {
    const cputype = bytes.readUInt32LE(4);
    return { format: 'mach-o', os: 'darwin', cpus: [MACH_CPUS[cputype] ?? `mach-cpu-${cputype}`] };
  }
  if (bytes.readUInt32BE(0) === MACH_O_FAT_BE) {
    // fat_header and fat_arch are big-endian: nfat_arch at 4, then 20-byte records starting with cputype.
    const count = bytes.readUInt32BE(4);
    const cpus: string[] = [];
    for (let index = 0; index < count && 8 + index * 20 + 4 <= bytes.length; index++) {
      const cputype = bytes.readUInt32BE(8 + index * 20);
      cpus.push(MACH_CPUS[cputype] ?? `mach-cpu-${cputype}`);
    }
    return { format: 'mach-o', os: 'darwin', cpus };
  }
  if (bytes.toString('latin1', 0, 2) === 'MZ') {
    // The DOS stub's e_lfanew (at 0x3c) points at "PE\0\0", followed by the COFF header's Machine field.
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 6 > bytes.length || bytes.readUInt32BE(pe) !== 0x50450000) return undefined;
    const machine = bytes.readUInt16LE(pe + 4);
    return { format: 'pe', os: 'win32', cpus: [PE_MACHINES[machine] ?? `pe-machine-0x${machine.toString(16)}`] };
  }
  return undefined;
}

/** Why a binary cannot run on `target`, or undefined when its header fits. */
export function binaryMismatch(bytes: Buffer, target: PlatformTarget): string | undefined {
  const platform = binaryPlatform(bytes);
  if (!platform) return 'not an ELF, Mach-O or PE binary';
  if (platform.os !== target.os) return `a ${platform.format} binary (${platform.os}), the target is ${target.os}`;
  if (!platform.cpus.includes(target.cpu)) return `built for ${platform.cpus.join('+')}, the target is ${target.cpu}`;
  return undefined;
}
