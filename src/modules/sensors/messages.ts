import { addMessages } from '../../platform/web/i18n.ts';

addMessages({
  de: {
    'nav.sensors': 'Stadtdaten',
    'admin.sensors': 'Sensoren und Stadtdaten',
    'admin.sensors.text': 'Messreihen anlegen, Grenzwerte für Hinweise, API-Schlüssel, abgelehnte Werte.',
  },
  en: {
    'nav.sensors': 'City data',
    'admin.sensors': 'Sensors and city data',
    'admin.sensors.text': 'Register data streams, notice thresholds, API keys, refused values.',
  },
});
