/**
 * Every source of the citizen map, one entry each, in legend order. A new source (events, sensors
 * with current values, steles, …) is one file in this folder exporting a LayerProvider, plus its line.
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

export const LAYER_PROVIDERS: LayerProvider[] = [
  boundaryLayers,
  offerLayers,
  reportLayers,
  bonusLayers,
  eventLayers,
  sensorLayers,
  steleLayers,
  ownLayers,
];
