import { SectionBuilder, type BenchContext } from '../lib/context';
import type { Section } from '../report/results';

export async function footprintSection(_ctx: BenchContext): Promise<Section> {
  return new SectionBuilder('footprint', 'todo', 'todo').build();
}
