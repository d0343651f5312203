-- GeoNames ID of a city: the open data catalog names it in dct:spatial beside the AGS. Optional.
ALTER TABLE cities ADD COLUMN geonames_id integer CHECK (geonames_id > 0);
-- The demo region's cities (IDs checked against GeoNames data: Aalen, Heidenheim an der Brenz).
UPDATE cities SET geonames_id = 2959927 WHERE ags = '08136088' AND geonames_id IS NULL;
UPDATE cities SET geonames_id = 2907851 WHERE ags = '08135019' AND geonames_id IS NULL;
