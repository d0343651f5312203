/**
 * Every source of the citizen map, one entry each, in legend order. A new source (events, sensors
 * with current values, steles, …) is one file in this folder exporting a LayerProvider, plus its line.
 * A line names the keys of the layers it yields where they are fixed, so a request for one layer (a
 * tile, its list) runs only that provider, not the queries of all the others.
 */
import type { LayerProvider } from '../model.ts';

import { bonusLayers } from './bonus.ts';
import { boundaryLayers } from './boundaries.ts';
import { eventLayers } from './events.ts';
import { offerLayers } from './offers.ts';
import { ownLayers } from './own.ts';
import { reportLayers } from './reports.ts';
import { sensorLayers } from './sensors.ts';
import { steleLayers } from './steles.ts';

export interface LayerSource {
  /** The keys of the layers it yields; none: any key (read from the database). */
  keys?: readonly string[];
  provide: LayerProvider;
}

export const LAYER_PROVIDERS: LayerSource[] = [
  { keys: ['stadtgrenzen'], provide: boundaryLayers },
  { keys: ['angebote'], provide: offerLayers },
  { keys: ['maengel'], provide: reportLayers },
  { keys: ['stadttaler'], provide: bonusLayers },
  { keys: ['veranstaltungen'], provide: eventLayers },
  { keys: ['sensoren'], provide: sensorLayers },
  { keys: ['stelen'], provide: steleLayers },
  // The layers staff upload or open for contributions: their keys come from the database.
  { provide: ownLayers },
];
