import { SectionBuilder, type BenchContext } from '../lib/context';
import type { Section } from '../report/results';

export async function workloadsSection(_ctx: BenchContext): Promise<Section> {
  return new SectionBuilder('workloads', 'todo', 'todo').build();
}
