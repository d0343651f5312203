/**
 * Every data source of the catalog, one entry each. A new source (e.g. sensors, events, measures) is
 * one file in this folder exporting a DatasetProvider, plus its line here.
 */
import type { DatasetProvider } from '../model.ts';
import { bonusDatasets } from './bonus.ts';
import { boundaryDatasets } from './boundaries.ts';
import { eventDatasets } from './events.ts';
import { externalDatasets } from './external.ts';
import { mapDatasets } from './maps.ts';
import { measureDatasets } from './measures.ts';
import { offersDatasets } from './offers.ts';
import { reportsDatasets } from './reports.ts';
import { sensorDatasets } from './sensors.ts';

export const DATASET_PROVIDERS: DatasetProvider[] = [
  boundaryDatasets,
  offersDatasets,
  reportsDatasets,
  bonusDatasets,
  mapDatasets,
  eventDatasets,
  measureDatasets,
  sensorDatasets,
  externalDatasets,
];
