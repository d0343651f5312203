import { addMessages } from '../../platform/web/i18n.ts';

addMessages({
  de: {
    'nav.participation': 'Beteiligung',
    'nav.measures': 'Maßnahmen',
    'admin.participation': 'Beteiligung',
    'admin.participation.text':
      'Kommentare moderieren, Ideen beantworten, Maßnahmen fortschreiben, Umfragen und Fragestunden.',
  },
  en: {
    'nav.participation': 'Participation',
    'nav.measures': 'Measures',
    'admin.participation': 'Participation',
    'admin.participation.text':
      'Moderate comments, answer ideas, update measures, surveys and question sessions.',
  },
});
