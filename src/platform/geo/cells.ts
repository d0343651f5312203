/** Degrees per screen pixel at a Web Mercator zoom level (256 px tiles). */
export const degreesPerPixel = (zoom: number) => 360 / (256 * 2 ** zoom);

/** Cluster size on screen, and the zoom levels kept pre-aggregated in cell tables. */
export const CELL_PX = 64;
export const CELL_ZOOMS = [8, 16] as const;
