/**
 * The horizons panel's two listeners: the daily rollups (newest first, up to MAX_DAYS: "All" is
 * that many small documents, never the trades) and the latest budget notice's spend. The rest of
 * its inputs (the tick's live account marks, today's equity points, market time) come from main.ts.
 */
import { limit, orderBy, type Unsubscribe } from 'firebase/firestore';
import type { DayRollup } from '../../functions/src/domain/performance/daily.ts';
import { PATHS, costFromDoc, rollupFromDoc, type CostRecord } from '../../functions/src/shared/store/index.ts';
import { watchQuery, type ListenerSink } from './firestore.ts';
import { HorizonsPanel, type HorizonInputs } from './render/horizons.ts';

export const HORIZON_LISTENERS = ['rollups', 'costs'] as const;
/** ~5½ years of daily rollups: an open tab reads them once, then one document per change (a fill or a day's close). */
export const MAX_DAYS = 2000;

export function watchHorizons(root: HTMLElement, tabs: HTMLElement) {
  const panel = new HorizonsPanel(root, tabs);
  let rollups: DayRollup[] = [];
  let cost: CostRecord | null = null;
  let live: Omit<HorizonInputs, 'rollups' | 'cost'> | null = null;
  const draw = () => live && panel.update({ ...live, rollups, cost });
  return {
    render(inputs: Omit<HorizonInputs, 'rollups' | 'cost'>): void {
      live = inputs;
      draw();
    },
    listen(sink: ListenerSink): Unsubscribe[] {
      return [
        watchQuery(
          'rollups',
          PATHS.rollups,
          [orderBy('day', 'desc'), limit(MAX_DAYS)],
          (data, path) => rollupFromDoc(path, data),
          sink,
          (rows) => {
            rollups = rows.map((r) => r.value).reverse();
            draw();
          },
        ),
        watchQuery(
          'costs',
          PATHS.costs,
          [orderBy('costIntervalStart', 'desc'), limit(1)],
          (data, path) => costFromDoc(path, data),
          sink,
          (rows) => {
            cost = rows[0]?.value ?? null;
            draw();
          },
        ),
      ];
    },
  };
}
