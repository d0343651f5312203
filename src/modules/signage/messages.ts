import { addMessages } from '../../platform/web/i18n.ts';

addMessages({
  de: {
    'admin.signage': 'Stelen und Kiosk',
    'admin.signage.text': 'Digitale Stelen, ihre Playlists, Warnmeldungen und Kiosk-Terminals.',
  },
  en: {
    'admin.signage': 'Steles and kiosk',
    'admin.signage.text': 'Digital steles, their playlists, emergency messages and kiosk terminals.',
  },
});
