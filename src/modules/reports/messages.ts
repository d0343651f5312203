import { addMessages } from '../../platform/web/i18n.ts';

addMessages({
  de: { 'nav.reports': 'Mängelmelder' },
  en: { 'nav.reports': 'Report a defect' },
});
