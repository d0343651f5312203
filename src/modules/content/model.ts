/** Shapes of news, events and campaigns as the service hands them out. */

export type Status = 'draft' | 'published';

export interface NewsItem {
  id: number;
  cityId: number | null;
  /** Slug of the city, or null for news of the whole region. */
  city: string | null;
  slug: string;
  status: Status;
  title: string;
  teaser: string;
  body: string;
  easyLanguage: string;
  tags: string[];
  imageId: string | null;
  imageAlt: string;
  commentsEnabled: boolean;
  publishAt: Date | null;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewsSummary {
  id: number;
  cityId: number | null;
  title: string;
  teaser: string;
  publishedAt: Date;
  imageUrl: string | null;
  imageAlt: string;
  url: string;
}

export const ACCESSIBILITY_FACTS = [
  'step_free',
  'wheelchair_toilet',
  'hearing_loop',
  'sign_language',
  'easy_language',
  'seating',
  'assistance_dogs',
  'quiet_room',
] as const;
export type AccessibilityFact = (typeof ACCESSIBILITY_FACTS)[number];

export const EVENT_CATEGORIES = [
  'culture',
  'music',
  'sport',
  'family',
  'environment',
  'education',
  'market',
  'participation',
  'senior',
  'youth',
] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

export type EventStatus = 'draft' | 'published' | 'cancelled';
export type Registration = 'none' | 'internal' | 'external';

export interface EventItem {
  id: number;
  cityId: number | null;
  city: string | null;
  status: EventStatus;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  rrule: string | null;
  lastEndsAt: Date;
  offerId: string | null;
  /** Title and path of the linked offer (Angebote & Dienste), when there is one. */
  offer: { title: string; path: string } | null;
  placeName: string;
  address: string;
  location: { lat: number; lon: number } | null;
  organiser: string;
  organiserUrl: string | null;
  categories: EventCategory[];
  priceCents: number | null;
  priceNote: string;
  accessibility: AccessibilityFact[];
  registration: Registration;
  capacity: number | null;
  waitlist: boolean;
  registrationUrl: string | null;
  imageId: string | null;
  imageAlt: string;
  publishAt: Date | null;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface EventSummary {
  id: number;
  cityId: number | null;
  title: string;
  startsAt: Date;
  endsAt: Date;
  allDay: boolean;
  placeName: string;
  url: string;
}

export interface Campaign {
  id: number;
  cityId: number;
  city: string;
  slug: string;
  status: Status;
  title: string;
  theme: string;
  teaser: string;
  body: string;
  startsAt: Date;
  endsAt: Date;
  multiplierPercent: number;
  bonusActionIds: number[];
  eventIds: number[];
  steleMessages: string[];
  publishAt: Date | null;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Revision {
  revision: number;
  at: Date;
  actorEmail: string | null;
  data: Record<string, unknown>;
}

/** Public paths; the region's items live at the root. */
export const newsPath = (city: string | null, slug: string) => `${city ? `/${city}` : ''}/aktuelles/${slug}`;
export const eventPath = (city: string | null, id: number) =>
  `${city ? `/${city}` : ''}/veranstaltungen/${id}`;
export const campaignPath = (city: string, slug: string) => `/${city}/aktionen/${slug}`;
export const imagePath = (id: string) => `/inhalte/bilder/${id}.webp`;
