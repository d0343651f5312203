import { type Db, rows, sql } from '../db/index.ts';

export interface AuditEntry {
  actorId: string | undefined;
  cityId: number | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  /** What changed, without personal data of citizens. */
  details?: Record<string, unknown>;
}

/** Written inside the same transaction as the staff write it records. */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db.execute(sql`INSERT INTO audit_log (actor_id, city_id, action, entity_type, entity_id, details)
    VALUES (${e.actorId ?? null}, ${e.cityId}, ${e.action}, ${e.entityType}, ${e.entityId ?? null},
      ${JSON.stringify(e.details ?? {})}::jsonb)`);
}

export interface AuditRow {
  id: number;
  at: Date;
  actor_email: string | null;
  city_slug: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  details: Record<string, unknown>;
}

export async function listAudit(
  db: Db,
  filter: { cityIds: number[] | 'all'; limit?: number; offset?: number },
): Promise<AuditRow[]> {
  const cityFilter =
    filter.cityIds === 'all'
      ? sql`TRUE`
      : sql`a.city_id = ANY(${sql.param(filter.cityIds.length ? filter.cityIds : [-1])}::int[])`;
  return rows<AuditRow>(
    db,
    sql`SELECT a.id, a.at, u.email AS actor_email, c.slug AS city_slug, a.action, a.entity_type, a.entity_id, a.details
        FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id LEFT JOIN cities c ON c.id = a.city_id
        WHERE ${cityFilter} ORDER BY a.id DESC LIMIT ${filter.limit ?? 100} OFFSET ${filter.offset ?? 0}`,
  );
}
