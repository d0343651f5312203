/**
 * Drizzle table definitions of the bonus system. The SQL migration 0006_bonus.sql is the source of
 * truth (triggers, partial indexes, checks); schema.test.ts keeps both equal.
 */
import {
  bigint,
  boolean,
  customType,
  date,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true });
const id64 = (name: string) => bigint(name, { mode: 'number' });
const point = customType<{ data: string }>({ dataType: () => 'geometry(Point,4326)' });

export const bonusSchemes = pgTable('bonus_schemes', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  regionId: integer('region_id').notNull(),
  name: text('name').notNull(),
  pointsPerEuro: integer('points_per_euro').notNull(),
  expiryYears: integer('expiry_years').notNull(),
  voucherMinutes: integer('voucher_minutes').notNull(),
});

export const bonusPartners = pgTable('bonus_partners', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  address: text('address').notNull(),
  category: text('category').notNull(),
  status: text('status').notNull(),
  approvedBy: uuid('approved_by'),
  approvedAt: tz('approved_at'),
  createdAt: tz('created_at').notNull(),
  location: point('location'),
});

export const bonusPartnerMembers = pgTable(
  'bonus_partner_members',
  {
    partnerId: integer('partner_id').notNull(),
    userId: uuid('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.userId] })],
);

export const bonusAccounts = pgTable('bonus_accounts', {
  id: id64('id').primaryKey().generatedAlwaysAsIdentity(),
  kind: text('kind').notNull(),
  userId: uuid('user_id'),
  partnerId: integer('partner_id'),
  cityId: integer('city_id'),
  balance: id64('balance').notNull(),
  createdAt: tz('created_at').notNull(),
});

export const ledgerTransactions = pgTable('ledger_transactions', {
  id: id64('id').primaryKey().generatedAlwaysAsIdentity(),
  idempotencyKey: text('idempotency_key').notNull(),
  kind: text('kind').notNull(),
  reference: text('reference').notNull(),
  cityId: integer('city_id'),
  reversesId: id64('reverses_id'),
  reason: text('reason'),
  actor: uuid('actor'),
  createdAt: tz('created_at').notNull(),
});

export const ledgerEntries = pgTable('ledger_entries', {
  id: id64('id').primaryKey().generatedAlwaysAsIdentity(),
  transactionId: id64('transaction_id').notNull(),
  accountId: id64('account_id').notNull(),
  amount: id64('amount').notNull(),
});

export const bonusActions = pgTable('bonus_actions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id'),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  easyLanguage: text('easy_language').notNull(),
  points: integer('points').notNull(),
  co2Grams: integer('co2_grams').notNull(),
  verification: text('verification').notNull(),
  limitPerDay: integer('limit_per_day'),
  limitPerWeek: integer('limit_per_week'),
  limitPerMonth: integer('limit_per_month'),
  limitPerPlaceDay: integer('limit_per_place_day'),
  activeFrom: tz('active_from'),
  activeUntil: tz('active_until'),
  active: boolean('active').notNull(),
  createdAt: tz('created_at').notNull(),
});

export const bonusPlaces = pgTable('bonus_places', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  cityId: integer('city_id').notNull(),
  actionId: integer('action_id').notNull(),
  name: text('name').notNull(),
  address: text('address').notNull(),
  codeKind: text('code_kind').notNull(),
  codeVersion: integer('code_version').notNull(),
  active: boolean('active').notNull(),
  createdAt: tz('created_at').notNull(),
  location: point('location'),
});

export const bonusAwards = pgTable('bonus_awards', {
  id: id64('id').primaryKey().generatedAlwaysAsIdentity(),
  userId: uuid('user_id'),
  actionId: integer('action_id').notNull(),
  cityId: integer('city_id').notNull(),
  placeId: integer('place_id'),
  transactionId: id64('transaction_id').notNull(),
  points: integer('points').notNull(),
  co2Grams: integer('co2_grams').notNull(),
  createdAt: tz('created_at').notNull(),
});

export const bonusOffers = pgTable('bonus_offers', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  partnerId: integer('partner_id').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  kind: text('kind').notNull(),
  creditCents: integer('credit_cents'),
  pointsPrice: integer('points_price').notNull(),
  quotaTotal: integer('quota_total'),
  quotaPerPerson: integer('quota_per_person'),
  validFrom: tz('valid_from'),
  validUntil: tz('valid_until'),
  status: text('status').notNull(),
  createdAt: tz('created_at').notNull(),
});

export const bonusVouchers = pgTable('bonus_vouchers', {
  id: id64('id').primaryKey().generatedAlwaysAsIdentity(),
  code: text('code').notNull(),
  userId: uuid('user_id'),
  offerId: integer('offer_id').notNull(),
  partnerId: integer('partner_id').notNull(),
  points: integer('points').notNull(),
  status: text('status').notNull(),
  issuedAt: tz('issued_at').notNull(),
  expiresAt: tz('expires_at').notNull(),
  redeemedAt: tz('redeemed_at'),
  redeemedBy: uuid('redeemed_by'),
  releasedAt: tz('released_at'),
  holdTransactionId: id64('hold_transaction_id').notNull(),
  settleTransactionId: id64('settle_transaction_id'),
});

// ---- 0008_bonus_clearing.sql (location columns of partners and places are PostGIS, read by SQL)

export const bonusMemberCodes = pgTable('bonus_member_codes', {
  userId: uuid('user_id').primaryKey(),
  code: text('code').notNull(),
  createdAt: tz('created_at').notNull(),
});

export const bonusMultipliers = pgTable('bonus_multipliers', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  label: text('label').notNull(),
  actionId: integer('action_id'),
  cityId: integer('city_id'),
  percent: integer('percent').notNull(),
  startsAt: tz('starts_at').notNull(),
  endsAt: tz('ends_at').notNull(),
  createdAt: tz('created_at').notNull(),
  source: text('source'),
});

export const bonusPeriods = pgTable('bonus_periods', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  month: date('month').notNull(),
  startsAt: tz('starts_at').notNull(),
  endsAt: tz('ends_at').notNull(),
  status: text('status').notNull(),
  pointsPerEuro: integer('points_per_euro').notNull(),
  closedAt: tz('closed_at'),
  closedBy: uuid('closed_by'),
});

export const bonusSettlements = pgTable(
  'bonus_settlements',
  {
    periodId: integer('period_id').notNull(),
    partnerId: integer('partner_id').notNull(),
    cityId: integer('city_id').notNull(),
    redemptions: integer('redemptions').notNull(),
    points: id64('points').notNull(),
    cents: id64('cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.periodId, t.partnerId] })],
);

export const bonusClearing = pgTable(
  'bonus_clearing',
  {
    periodId: integer('period_id').notNull(),
    issuingCityId: integer('issuing_city_id').notNull(),
    redeemingCityId: integer('redeeming_city_id').notNull(),
    points: id64('points').notNull(),
    cents: id64('cents').notNull(),
  },
  (t) => [primaryKey({ columns: [t.periodId, t.issuingCityId, t.redeemingCityId] })],
);
