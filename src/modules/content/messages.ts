import { addMessages } from '../../platform/web/i18n.ts';

// The Leichte Sprache page is German only (lang="de") and keeps its text in pages.tsx.
addMessages({
  de: {
    'content.imprint.title': 'Impressum',
    'content.privacy.title': 'Datenschutzerklärung',
    'content.a11y.title': 'Erklärung zur Barrierefreiheit',
    'content.easy.title': 'Leichte Sprache',
    'content.thanks.title': 'Vielen Dank für Ihre Rückmeldung',
    'content.home': 'Startseite',
    'content.asOf': 'Stand: {date}',
    'content.phone': 'Telefon',
    'content.email': 'E-Mail',
    'content.website': 'Internet',
    'content.demo.title': 'Demo',
    'content.demo.imprint':
      'Dies ist eine Demo-Installation der Stadtplattform. Die Angaben auf dieser Seite sind Beispieldaten. Sie sind kein gültiges Impressum der genannten Stellen.',
    'content.demo.contact':
      'Die Kontaktdaten auf dieser Seite sind Beispieldaten einer Demo-Installation. Nachrichten erreichen keine echte Verwaltung.',

    // Impressum
    'content.imprint.provider': 'Angaben gemäß § 5 Digitale-Dienste-Gesetz (DDG)',
    'content.imprint.representedBy': 'Vertreten durch',
    'content.imprint.legalForm': 'Rechtsform',
    'content.imprint.legalFormCity': 'Körperschaft des öffentlichen Rechts (Gemeinde in Baden-Württemberg)',
    'content.imprint.contact': 'Kontakt',
    'content.imprint.responsible':
      'Verantwortlich für den Inhalt nach § 18 Abs. 2 Medienstaatsvertrag (MStV)',
    'content.imprint.sameAddress': 'Anschrift wie oben',
    'content.imprint.cities': 'Impressum der Städte',
    'content.imprint.citiesText': 'Die Seiten der Städte verantworten die Städte selbst:',
    'content.imprint.regionLink': 'Impressum der Region',
    'content.imprint.regionText': 'Die Seiten für die ganze Region ({region}) haben ein eigenes Impressum:',
    'content.imprint.links': 'Links auf andere Websites',
    'content.imprint.linksText':
      'Diese Website verlinkt auch auf Websites anderer Anbieter. Für deren Inhalte sind deren Anbieter verantwortlich. Wir prüfen verlinkte Seiten, wenn wir den Link setzen; fallen uns später rechtswidrige Inhalte auf, entfernen wir den Link.',
    'content.imprint.software': 'Software',
    'content.imprint.softwareText':
      'Die Stadtplattform ist freie Software unter der Europäische Union Public Licence (EUPL-1.2). Die öffentlichen Daten der Plattform stehen über offene Schnittstellen zur Verfügung:',

    // Datenschutz
    'content.privacy.intro':
      'Hier steht, welche personenbezogenen Daten diese Website verarbeitet, wozu, wie lange und welche Rechte Sie haben. Die Angaben beschreiben, was die Software der Stadtplattform tatsächlich tut.',
    'content.privacy.summary': 'Das Wichtigste in Kürze',
    'content.privacy.summary1': 'Zum Lesen der Seiten setzen wir keine Cookies.',
    'content.privacy.summary2':
      'Es gibt keine Werbung, keine Analyse- oder Tracking-Dienste und keine Inhalte von anderen Servern: Schriften, Gestaltung und Skripte kommen von diesem Server.',
    'content.privacy.summary3':
      'Die Protokolle des Servers enthalten keine IP-Adressen und keine Suchbegriffe.',
    'content.privacy.summary4':
      'Ein Cookie gibt es nur, wenn Sie sich anmelden (sp_session) oder eine Seite mit einem Formular öffnen (sp_csrf). Beide sind technisch notwendig.',
    'content.privacy.controller': 'Verantwortliche Stelle',
    'content.privacy.controllerText':
      'Verantwortlich für die Verarbeitung personenbezogener Daten auf diesen Seiten (Art. 4 Nr. 7 DSGVO) ist:',
    'content.privacy.dpo':
      'Die behördliche Datenschutzbeauftragte oder den behördlichen Datenschutzbeauftragten erreichen Sie unter der oben genannten Anschrift mit dem Zusatz „Datenschutzbeauftragte(r)“.',
    'content.privacy.visit': 'Aufruf der Seiten und Server-Protokolle',
    'content.privacy.visitText':
      'Wenn Sie eine Seite aufrufen, schickt Ihr Browser technisch bedingt Ihre IP-Adresse und Angaben zum Browser an den Server. Der Server braucht diese Angaben, um die Seite auszuliefern. In sein Protokoll schreibt er davon nur:',
    'content.privacy.visitLog1':
      'Zeitpunkt, Art der Anfrage (zum Beispiel GET) und Pfad der Seite ohne Suchparameter,',
    'content.privacy.visitLog2': 'Statuscode der Antwort und Bearbeitungsdauer.',
    'content.privacy.visitNot':
      'Nicht protokolliert werden IP-Adressen, Browser-Angaben, Cookies, Suchbegriffe und alles andere nach dem Fragezeichen einer Adresse. Für die Betriebsüberwachung zählt der Server Anfragen und ihre Dauer nur je Seitentyp (zum Beispiel „Angebotsseite“), nicht je Person.',
    'content.privacy.rateLimit':
      'Schutz vor Missbrauch: Um Formulare und Schnittstellen vor massenhaften Anfragen zu schützen, zählt der Server die Schreibanfragen (zum Beispiel abgeschickte Formulare) je IP-Adresse innerhalb einer Minute. Dieser Zähler liegt nur im Arbeitsspeicher des Servers (oder, bei mehreren Servern, in einem gemeinsamen Zwischenspeicher) und verfällt nach einer Minute. Das bloße Lesen von Seiten wird nicht gezählt.',
    'content.privacy.legalBasis':
      'Rechtsgrundlage: Art. 6 Abs. 1 Buchstabe e DSGVO in Verbindung mit § 4 Landesdatenschutzgesetz Baden-Württemberg (LDSG).',
    'content.privacy.cookies': 'Cookies',
    'content.privacy.cookiesText':
      'Diese Website setzt nur technisch notwendige Cookies. Dafür ist keine Einwilligung nötig (§ 25 Abs. 2 Nr. 2 Telekommunikation-Digitale-Dienste-Datenschutz-Gesetz, TDDDG); deshalb gibt es kein Cookie-Banner.',
    'content.privacy.cookieName': 'Name',
    'content.privacy.cookiePurpose': 'Zweck',
    'content.privacy.cookieWhen': 'Wann gesetzt',
    'content.privacy.cookieDuration': 'Speicherdauer',
    'content.privacy.cookieCaption': 'Cookies dieser Website',
    'content.privacy.sessionPurpose':
      'Hält Sie angemeldet. Der Server speichert nur einen Hashwert des Cookies, nicht das Cookie selbst.',
    'content.privacy.sessionWhen': 'Nach der Anmeldung',
    'content.privacy.sessionDuration': 'Bis zur Abmeldung, höchstens {days} Tage nach der Anmeldung',
    'content.privacy.csrfPurpose':
      'Schützt Formulare davor, dass andere Websites sie in Ihrem Namen absenden (CSRF-Schutz). Enthält eine Zufallszahl, keine Angaben über Sie.',
    'content.privacy.csrfWhen': 'Wenn Sie ohne Anmeldung eine Seite mit Formular aufrufen',
    'content.privacy.csrfDuration': 'Bis Sie den Browser schließen',
    'content.privacy.oidcPurpose':
      'Sichert die Anmeldung über {name} ab: signierte Zufallswerte, die den Rückweg vom Anmeldedienst prüfen. Enthält keine Angaben über Sie.',
    'content.privacy.oidcWhen': 'Wenn Sie die Anmeldung über {name} starten',
    'content.privacy.oidcDuration': 'Höchstens 10 Minuten; gelöscht, sobald die Anmeldung abgeschlossen ist',
    'content.privacy.oidcSummary':
      'Wer sich über {name} anmeldet, erhält für die Dauer der Anmeldung zusätzlich das Cookie sp_oidc.',
    'content.privacy.thirdParty': 'Keine Dienste Dritter',
    'content.privacy.thirdPartyText':
      'Die Seiten laden nichts von anderen Servern: keine Schriften, keine Skripte, keine Statistik-Dienste, keine Videos oder Karten von Plattformen. Das erzwingt der Server zusätzlich mit einer strengen Content-Security-Policy. Links auf andere Websites (zum Beispiel „In OpenStreetMap öffnen“) verlassen diese Website erst, wenn Sie sie anklicken.',
    'content.privacy.tiles':
      'Ausnahme Kartenkacheln: Der Betreiber hat einen Kartenserver eingerichtet. Wenn eine Seite eine interaktive Karte zeigt, lädt Ihr Browser die Kartenbilder von {origin}; dabei erhält dieser Server Ihre IP-Adresse. Die Lagegrafiken auf den Angebotsseiten kommen ohne Kartenserver aus.',
    'content.privacy.account': 'Benutzerkonto',
    'content.privacy.accountText':
      'Ein Konto ist freiwillig. Alle Seiten lassen sich ohne Konto lesen. Für ein Konto speichern wir:',
    'content.privacy.account1': 'Ihre E-Mail-Adresse und Ihren Anzeigenamen,',
    'content.privacy.account2':
      'Ihr Passwort nur als Hashwert mit dem Verfahren argon2id; das Passwort selbst kennt niemand außer Ihnen,',
    'content.privacy.account3':
      'Ihre bevorzugte Sprache, den Zeitpunkt der Registrierung und der Bestätigung Ihrer E-Mail-Adresse,',
    'content.privacy.account4':
      'bei Anmeldung über einen externen Anmeldedienst (zum Beispiel BundID): die Kennung dieses Dienstes und die pseudonyme Kennung, die er für Sie übermittelt,',
    'content.privacy.account5':
      'Ihre Anmeldungen (Sitzungen) mit Zeitpunkt der letzten Nutzung; gespeichert wird nur ein Hashwert des Sitzungs-Cookies,',
    'content.privacy.account6':
      'Einmal-Links für die Bestätigung der E-Mail-Adresse (48 Stunden gültig) und zum Zurücksetzen des Passworts (60 Minuten gültig), ebenfalls nur als Hashwert,',
    'content.privacy.account7':
      'fehlgeschlagene Anmeldeversuche, um das Erraten von Passwörtern zu bremsen; gespeichert werden nur Schlüsselwerte (HMAC), nicht die E-Mail-Adresse oder die IP-Adresse selbst,',
    'content.privacy.account8':
      'bei Mitarbeitenden der Verwaltung: ihre Rollen (zum Beispiel Redaktion) und für welche Stadt sie gelten.',
    'content.privacy.accountDelete':
      'Wenn Sie Ihr Konto löschen, löschen wir Ihre Kontodaten, Sitzungen, Einmal-Links und Rollen.',
    'content.privacy.mail': 'E-Mails',
    'content.privacy.mailText':
      'E-Mails der Plattform (zum Beispiel die Bestätigung Ihrer E-Mail-Adresse) legt der Server zuerst in einem Postausgang in seiner Datenbank ab: Empfänger, Betreff, Text, Zweck, Zeitpunkt und Zustellstatus. Von dort verschickt sie der Mailserver des Betreibers. Einträge im Postausgang bleiben {mailDays} Tage gespeichert, damit die Verwaltung die Zustellung nachvollziehen kann; danach löscht die Plattform sie automatisch. Abgelaufene Sitzungen und Einmal-Links löscht sie ebenfalls automatisch, fehlgeschlagene Anmeldeversuche nach einem Tag.',
    'content.privacy.feedback': 'Rückmeldungen zur Barrierefreiheit',
    'content.privacy.feedbackText':
      'Wenn Sie das Formular in der Erklärung zur Barrierefreiheit nutzen, speichern wir Ihre Nachricht, die betroffene Seite und – nur wenn Sie sie angeben – Ihren Namen und Ihre E-Mail-Adresse. Eine Benachrichtigung mit diesen Angaben geht per E-Mail an die zuständige Stelle ({email}). Wir nutzen die Angaben nur, um Ihre Rückmeldung zu bearbeiten und zu beantworten. Rechtsgrundlage: Art. 6 Abs. 1 Buchstabe c und e DSGVO in Verbindung mit § 10 Abs. 3 L-BGG. Die Plattform löscht Rückmeldungen derzeit nicht automatisch; die zuständige Stelle löscht sie, wenn sie für die Bearbeitung nicht mehr gebraucht werden.',
    'content.privacy.reports': 'Mängelmelder',
    'content.privacy.reportsText':
      'Wenn Sie einen Mangel melden, speichern wir Kategorie, Beschreibung, Ort (Punkt auf der Karte und/oder Adresse), bis zu drei Fotos und – wenn Sie sie angeben oder angemeldet sind – Ihren Namen und Ihre E-Mail-Adresse. Die zuständige Stadt ergibt sich aus dem Ort.',
    'content.privacy.reports1':
      'Fotos werden beim Hochladen neu gespeichert; dabei werden alle Metadaten entfernt, zum Beispiel GPS-Position und Kameradaten.',
    'content.privacy.reports2':
      'Ihren Standort fragt die Seite nur ab, wenn Sie auf „Meinen Standort verwenden“ klicken. Gespeichert wird nur der Punkt, den Sie mit der Meldung absenden.',
    'content.privacy.reports3':
      'Veröffentlichte Meldungen (Beschreibung, Ort, Fotos, Bearbeitungsstand) sind öffentlich sichtbar, auch über die Open311-Schnittstelle. Ihr Name und Ihre E-Mail-Adresse werden nie veröffentlicht; sie sieht nur die Sachbearbeitung der zuständigen Stadt.',
    'content.privacy.reports4':
      'Mit Ihrer E-Mail-Adresse bestätigen Sie eine Meldung ohne Konto und erhalten Nachrichten zum Stand. Ohne E-Mail-Adresse prüft die Stadt die Meldung, bevor sie erscheint.',
    'content.privacy.reports5':
      'Meldungen bleiben gespeichert, auch wenn Sie Ihr Konto löschen; dann entfällt nur die Verknüpfung mit dem Konto. Die Plattform löscht Meldungen derzeit nicht automatisch.',
    'content.privacy.reportsBasis':
      'Rechtsgrundlage: Art. 6 Abs. 1 Buchstabe e DSGVO in Verbindung mit § 4 LDSG.',
    'content.privacy.bonus': 'Bonusprogramm (Stadttaler)',
    'content.privacy.bonusText':
      'Das Bonusprogramm ist freiwillig und braucht ein Konto. Wir speichern Ihr Punktekonto und jede Buchung: für welche Aktion, an welchem Ort (QR-Code) und wann Sie Punkte erhalten haben, und welche Gutscheine Sie erhalten und eingelöst haben (Code, Prämie, Partnerbetrieb, Zeitpunkte). Partnerbetriebe sehen beim Einlösen den Gutschein-Code und die Prämie, nicht Ihren Namen. Punkte verfallen nach den Regeln des Programms. Wenn Sie Ihr Konto löschen, bleiben die Buchungen für die Abrechnung mit den Partnerbetrieben erhalten, aber ohne Bezug zu Ihrer Person.',
    'content.privacy.audit': 'Protokoll der Verwaltung',
    'content.privacy.auditText':
      'Änderungen durch Mitarbeitende der Verwaltung (zum Beispiel an Angeboten, Meldungen oder Rollen) werden protokolliert: welches Mitarbeiterkonto wann was geändert hat. Betroffene Einträge (zum Beispiel eine Meldung oder eine Punktebuchung) nennt das Protokoll nur mit ihrer Nummer, nicht mit Namen oder Kontaktdaten von Bürgerinnen und Bürgern.',
    'content.privacy.recipients': 'Empfänger und Übermittlung',
    'content.privacy.recipientsText':
      'Ihre Daten werden nicht verkauft und nicht für Werbung genutzt. Sie gehen nur an die zuständige Stelle der Verwaltung und an den technischen Betreiber der Plattform, soweit er sie für den Betrieb braucht. Eine Übermittlung in Länder außerhalb der EU findet nicht statt.',
    'content.privacy.rights': 'Ihre Rechte',
    'content.privacy.rightsText': 'Sie haben nach der Datenschutz-Grundverordnung das Recht auf',
    'content.privacy.right15': 'Auskunft über Ihre gespeicherten Daten (Art. 15 DSGVO),',
    'content.privacy.right16': 'Berichtigung falscher Daten (Art. 16 DSGVO),',
    'content.privacy.right17': 'Löschung (Art. 17 DSGVO),',
    'content.privacy.right18': 'Einschränkung der Verarbeitung (Art. 18 DSGVO),',
    'content.privacy.right20': 'Datenübertragbarkeit (Art. 20 DSGVO),',
    'content.privacy.right21': 'Widerspruch gegen die Verarbeitung (Art. 21 DSGVO).',
    'content.privacy.rightsHow': 'Wenden Sie sich dazu an die verantwortliche Stelle oben.',
    'content.privacy.complaint': 'Beschwerde bei der Aufsichtsbehörde',
    'content.privacy.complaintText':
      'Sie können sich bei der Aufsichtsbehörde für den Datenschutz beschweren (Art. 77 DSGVO):',

    // Barrierefreiheit
    'content.a11y.intro':
      '{org} ist bemüht, die Stadtplattform barrierefrei zugänglich zu machen. Rechtsgrundlage ist § 10 des Landes-Behindertengleichstellungsgesetzes Baden-Württemberg (L-BGG) mit der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0); sie setzen die Richtlinie (EU) 2016/2102 um. Für Stellen des Bundes gilt entsprechend § 12b Behindertengleichstellungsgesetz (BGG).',
    'content.a11y.scope': 'Diese Erklärung gilt für die Seiten unter {url}.',
    'content.a11y.status': 'Stand der Vereinbarkeit mit den Anforderungen',
    'content.a11y.statusText':
      'Diese Website ist mit der BITV 2.0 (und damit mit den Anforderungen der EN 301 549 und der WCAG 2.1, Stufe AA) teilweise vereinbar. Die Gründe stehen im nächsten Abschnitt.',
    'content.a11y.gaps': 'Nicht barrierefreie Inhalte',
    'content.a11y.gapsText': 'Die folgenden Inhalte sind nicht oder nur eingeschränkt barrierefrei:',
    'content.a11y.gapDgs':
      'Gebärdensprache: Es gibt noch keine Videos in Deutscher Gebärdensprache (DGS), auch nicht die nach § 4 BITV 2.0 vorgesehenen Erklärungen auf der Startseite. Die Videos sind noch nicht produziert. Bis dahin erklärt die Seite in Leichter Sprache das Wichtigste; Fragen beantworten wir per E-Mail oder über das Formular unten.',
    'content.a11y.gapMap':
      'Karten: Die Lage eines Angebots wird als Kartengrafik gezeigt. Die Grafik selbst können blinde Menschen nicht nutzen. Dieselbe Information steht als Adresse und Koordinaten im Text daneben. Der Link „In OpenStreetMap öffnen“ führt zu einer anderen Website, deren Barrierefreiheit wir nicht beeinflussen können. Im Mängelmelder lässt sich der Ort per Mausklick auf der Karte wählen; ohne Maus geben Sie stattdessen eine Adresse oder Ortsbeschreibung ein.',
    'content.a11y.gapQr':
      'Bonusprogramm: Punkte für einen Besuch gibt es nur, wenn man den QR-Code vor Ort mit einer Kamera erfasst. Für Menschen, die den Code nicht finden oder nicht erfassen können, gibt es noch keinen anderen Weg (zum Beispiel einen Code zum Eintippen).',
    'content.a11y.gapEasy':
      'Leichte Sprache: In Leichter Sprache gibt es die Übersichtsseite und Zusammenfassungen der Angebote. Andere Seiten, zum Beispiel diese Erklärung, das Impressum und die Datenschutzerklärung, gibt es noch nicht in Leichter Sprache.',
    'content.a11y.gapManual':
      'Prüfumfang: Die Seiten wurden noch nicht vollständig mit Screenreadern geprüft und noch nicht von einer unabhängigen Prüfstelle getestet (zum Beispiel mit dem BITV-Test). Es kann daher Barrieren geben, die wir noch nicht kennen. Bitte melden Sie uns solche Barrieren.',
    'content.a11y.method': 'Erstellung dieser Erklärung',
    'content.a11y.methodText':
      'Diese Erklärung wurde am {date} erstellt. Sie beruht auf einer Selbstbewertung:',
    'content.a11y.method1':
      'Automatische Tests mit axe-core in einem Browser (Chromium) gegen die Regeln für WCAG 2.0 und 2.1 (Stufen A und AA) und EN 301 549, als Teil der Tests der Software: Startseiten, Suche, Angebots- und Lebenslagenseiten, Anmeldung und Registrierung, Verwaltungsseiten und diese Pflichtseiten, jeweils auch bei 320 Pixel Breite ohne seitliches Scrollen. Die Seiten des Mängelmelders und des Stadttalers sind in diese Browsertests noch nicht einbezogen.',
    'content.a11y.method2':
      'Automatisierte Tests der Tastaturbedienung: Die Suche bis zur Angebotsseite, das Bearbeiten eines Angebots in der Verwaltung und das Formular auf dieser Seite werden nur mit der Tastatur bedient; der Fokus muss dabei immer sichtbar sein. Die Links der Fehlerübersichten müssen zum jeweiligen Feld führen.',
    'content.a11y.method3':
      'Die Seiten sind so gebaut, dass sie ohne JavaScript funktionieren (im Browser geprüft für Suche und Angebotsseiten); Formulare melden Fehler mit einer Fehlerübersicht und am jeweiligen Feld.',
    'content.a11y.methodLimit':
      'Automatische Tests finden nur einen Teil der möglichen Barrieren. Deshalb ist die Website als „teilweise vereinbar“ eingestuft.',
    'content.a11y.feedback': 'Barrieren melden (Feedback)',
    'content.a11y.feedbackText':
      'Ist Ihnen eine Barriere auf dieser Website aufgefallen? Oder brauchen Sie einen Inhalt in einer anderen Form? Schreiben Sie uns mit dem Formular oder über die Kontaktdaten unten. Wenn Sie uns eine E-Mail-Adresse nennen, antworten wir innerhalb eines Monats.',
    'content.a11y.contactAlt': 'Sie erreichen die zuständige Stelle auch so:',
    'content.a11y.mediation': 'Schlichtungsverfahren',
    'content.a11y.mediationText':
      'Wenn Sie auf Ihre Rückmeldung keine oder keine zufriedenstellende Antwort erhalten, können Sie ein kostenloses Schlichtungsverfahren beantragen. Für Websites von Gemeinden und Landesbehörden in Baden-Württemberg ist die Schlichtungsstelle beim Landeszentrum Barrierefreiheit (LZ-BARR) zuständig (§ 10b L-BGG). Antragsberechtigt sind Menschen mit Behinderungen mit Wohnsitz in Baden-Württemberg sowie anerkannte Verbände. Die Schlichtungsstelle sucht mit beiden Seiten eine Lösung ohne Gericht.',
    'content.a11y.mediationAddress':
      'Landeszentrum Barrierefreiheit, Else-Josenhans-Straße 6, 70173 Stuttgart',
    'content.a11y.mediationLink': 'Schlichtungsantrag beim Landeszentrum Barrierefreiheit',
    'content.a11y.mediationBund':
      'Für Websites öffentlicher Stellen des Bundes gibt es die Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG) bei der oder dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen:',
    'content.a11y.mediationBundLink': 'Schlichtungsstelle nach dem Behindertengleichstellungsgesetz',
    'content.a11y.enforcement': 'Durchsetzungsverfahren',
    'content.a11y.enforcementText':
      'Unabhängig von der Schlichtung können Sie sich an die Beauftragte oder den Beauftragten der Landesregierung Baden-Württemberg für die Belange von Menschen mit Behinderungen wenden (Landes-Behindertenbeauftragte, Ombudsstelle). Sie oder er setzt sich für Ihre Rechte gegenüber öffentlichen Stellen des Landes und der Kommunen ein.',

    // Formular
    'content.feedback.name': 'Ihr Name',
    'content.feedback.email': 'Ihre E-Mail-Adresse',
    'content.feedback.emailHint': 'Nur nötig, wenn Sie eine Antwort möchten.',
    'content.feedback.page': 'Auf welcher Seite ist die Barriere?',
    'content.feedback.pageHint': 'Zum Beispiel die Adresse oder der Titel der Seite.',
    'content.feedback.message': 'Ihre Nachricht',
    'content.feedback.messageHint': 'Beschreiben Sie bitte, was nicht funktioniert. Höchstens 5.000 Zeichen.',
    'content.feedback.submit': 'Rückmeldung senden',
    'content.feedback.privacy': 'Wie wir Ihre Angaben verarbeiten, steht in der',
    'content.feedback.error.messageMissing': 'Geben Sie Ihre Nachricht ein.',
    'content.feedback.error.messageLong': 'Ihre Nachricht darf höchstens 5.000 Zeichen lang sein.',
    'content.feedback.error.email':
      'Geben Sie eine E-Mail-Adresse im richtigen Format ein, zum Beispiel name@beispiel.de – oder lassen Sie das Feld leer.',
    'content.feedback.error.nameLong': 'Ihr Name darf höchstens 200 Zeichen lang sein.',
    'content.feedback.error.pageLong': 'Die Angabe zur Seite darf höchstens 500 Zeichen lang sein.',
    'content.thanks.text':
      'Ihre Rückmeldung ist bei uns eingegangen und an die zuständige Stelle weitergeleitet.',
    'content.thanks.reply':
      'Wenn Sie eine E-Mail-Adresse angegeben haben, antworten wir Ihnen innerhalb eines Monats.',
    'content.thanks.back': 'Zurück zur Erklärung zur Barrierefreiheit',

    // Leichte Sprache (nur der Hinweis auf englischen Seiten)
    'content.easy.onlyGerman': 'Diese Seite gibt es nur auf Deutsch in Leichter Sprache.',
  },
  en: {
    'content.imprint.title': 'Legal notice',
    'content.privacy.title': 'Privacy policy',
    'content.a11y.title': 'Accessibility statement',
    'content.easy.title': 'Leichte Sprache (easy German)',
    'content.thanks.title': 'Thank you for your feedback',
    'content.home': 'Home',
    'content.asOf': 'As of: {date}',
    'content.phone': 'Phone',
    'content.email': 'E-mail',
    'content.website': 'Website',
    'content.demo.title': 'Demo',
    'content.demo.imprint':
      'This is a demo installation of the city platform. The details on this page are sample data. They are not a valid legal notice of the bodies named.',
    'content.demo.contact':
      'The contact details on this page are sample data of a demo installation. Messages do not reach a real administration.',

    'content.imprint.provider': 'Information pursuant to § 5 of the German Digital Services Act (DDG)',
    'content.imprint.representedBy': 'Represented by',
    'content.imprint.legalForm': 'Legal form',
    'content.imprint.legalFormCity': 'Public-law corporation (municipality in Baden-Württemberg)',
    'content.imprint.contact': 'Contact',
    'content.imprint.responsible':
      'Responsible for the content pursuant to § 18 (2) of the German Interstate Media Treaty (MStV)',
    'content.imprint.sameAddress': 'Address as above',
    'content.imprint.cities': 'Legal notices of the cities',
    'content.imprint.citiesText': 'The cities are responsible for their own pages:',
    'content.imprint.regionLink': 'Legal notice of the region',
    'content.imprint.regionText': 'The pages for the whole region ({region}) have their own legal notice:',
    'content.imprint.links': 'Links to other websites',
    'content.imprint.linksText':
      'This website also links to websites of other providers, who are responsible for their content. We check linked pages when we add a link; should we later notice unlawful content, we remove the link.',
    'content.imprint.software': 'Software',
    'content.imprint.softwareText':
      'The city platform is free software under the European Union Public Licence (EUPL-1.2). Its public data is available through open interfaces:',

    'content.privacy.intro':
      'This page explains which personal data this website processes, why, for how long, and what your rights are. It describes what the city platform software actually does.',
    'content.privacy.summary': 'In short',
    'content.privacy.summary1': 'Reading pages sets no cookies.',
    'content.privacy.summary2':
      'There is no advertising, no analytics or tracking and no content from other servers: fonts, styles and scripts come from this server.',
    'content.privacy.summary3': 'The server logs contain no IP addresses and no search terms.',
    'content.privacy.summary4':
      'A cookie is only set when you sign in (sp_session) or open a page with a form (sp_csrf). Both are technically necessary.',
    'content.privacy.controller': 'Controller',
    'content.privacy.controllerText':
      'The controller for the processing of personal data on these pages (Art. 4(7) GDPR) is:',
    'content.privacy.dpo':
      'You can reach the data protection officer at the address above, marked “Data protection officer”.',
    'content.privacy.visit': 'Visiting pages and server logs',
    'content.privacy.visitText':
      'When you open a page, your browser necessarily sends your IP address and details about the browser to the server, which needs them to deliver the page. The server logs only:',
    'content.privacy.visitLog1':
      'the time, the kind of request (for example GET) and the page path without search parameters,',
    'content.privacy.visitLog2': 'the response status code and how long the response took.',
    'content.privacy.visitNot':
      'IP addresses, browser details, cookies, search terms and anything after the question mark of an address are not logged. For monitoring, the server counts requests and their duration per page type (for example “offer page”), not per person.',
    'content.privacy.rateLimit':
      'Protection against abuse: to protect forms and interfaces from mass requests, the server counts write requests (for example submitted forms) per IP address within one minute. This counter lives only in the server’s memory (or, with several servers, in a shared cache) and expires after one minute. Reading pages is not counted.',
    'content.privacy.legalBasis':
      'Legal basis: Art. 6(1)(e) GDPR in conjunction with § 4 of the Baden-Württemberg Data Protection Act (LDSG).',
    'content.privacy.cookies': 'Cookies',
    'content.privacy.cookiesText':
      'This website only sets technically necessary cookies. They need no consent (§ 25(2) no. 2 TDDDG), which is why there is no cookie banner.',
    'content.privacy.cookieName': 'Name',
    'content.privacy.cookiePurpose': 'Purpose',
    'content.privacy.cookieWhen': 'When set',
    'content.privacy.cookieDuration': 'Duration',
    'content.privacy.cookieCaption': 'Cookies of this website',
    'content.privacy.sessionPurpose':
      'Keeps you signed in. The server stores only a hash of the cookie, not the cookie itself.',
    'content.privacy.sessionWhen': 'After signing in',
    'content.privacy.sessionDuration': 'Until you sign out, at most {days} days after signing in',
    'content.privacy.csrfPurpose':
      'Protects forms from being submitted in your name by other websites (CSRF protection). Holds a random number, nothing about you.',
    'content.privacy.csrfWhen': 'When you open a page with a form without being signed in',
    'content.privacy.csrfDuration': 'Until you close the browser',
    'content.privacy.oidcPurpose':
      'Secures sign-in through {name}: signed random values that check the way back from the identity service. Holds nothing about you.',
    'content.privacy.oidcWhen': 'When you start signing in through {name}',
    'content.privacy.oidcDuration': 'At most 10 minutes; deleted as soon as sign-in is complete',
    'content.privacy.oidcSummary':
      'Signing in through {name} also sets the cookie sp_oidc for the duration of the sign-in.',
    'content.privacy.thirdParty': 'No third-party services',
    'content.privacy.thirdPartyText':
      'The pages load nothing from other servers: no fonts, no scripts, no statistics services, no videos or maps from platforms. The server also enforces this with a strict Content Security Policy. Links to other websites (for example “Open in OpenStreetMap”) leave this website only when you click them.',
    'content.privacy.tiles':
      'Exception, map tiles: the operator has set up a map server. When a page shows an interactive map, your browser loads the map images from {origin}, which receives your IP address. The location graphics on offer pages need no map server.',
    'content.privacy.account': 'User account',
    'content.privacy.accountText':
      'An account is voluntary. All pages can be read without one. For an account we store:',
    'content.privacy.account1': 'your e-mail address and display name,',
    'content.privacy.account2':
      'your password only as an argon2id hash; nobody but you knows the password itself,',
    'content.privacy.account3':
      'your preferred language and when you registered and confirmed your e-mail address,',
    'content.privacy.account4':
      'when you sign in through an external identity service (for example BundID): that service’s identifier and the pseudonymous identifier it sends for you,',
    'content.privacy.account5':
      'your sign-ins (sessions) with the time of last use; only a hash of the session cookie is stored,',
    'content.privacy.account6':
      'one-time links to confirm your e-mail address (valid for 48 hours) and to reset your password (valid for 60 minutes), also stored only as hashes,',
    'content.privacy.account7':
      'failed sign-in attempts, to slow down password guessing; only keyed hashes (HMAC) are stored, not the e-mail or IP address itself,',
    'content.privacy.account8': 'for staff: their roles (for example editor) and the city they apply to.',
    'content.privacy.accountDelete':
      'When you delete your account, we delete your account data, sessions, one-time links and roles.',
    'content.privacy.mail': 'E-mails',
    'content.privacy.mailText':
      'E-mails of the platform (for example the confirmation of your e-mail address) are first stored in an outbox in the database: recipient, subject, text, purpose, time and delivery status. The operator’s mail server sends them from there. Outbox entries are kept for {mailDays} days so that the administration can trace delivery; after that the platform deletes them automatically. It also deletes expired sessions and one-time links automatically, and failed login attempts after one day.',
    'content.privacy.feedback': 'Accessibility feedback',
    'content.privacy.feedbackText':
      'When you use the form in the accessibility statement, we store your message, the page concerned and – only if you give them – your name and e-mail address. A notification with these details is e-mailed to the office responsible ({email}). We use the details only to handle and answer your feedback. Legal basis: Art. 6(1)(c) and (e) GDPR in conjunction with § 10(3) L-BGG. The platform does not yet delete feedback automatically; the office responsible deletes it when it is no longer needed.',
    'content.privacy.reports': 'Defect reporter (Mängelmelder)',
    'content.privacy.reportsText':
      'When you report a defect, we store the category, description, location (point on the map and/or address), up to three photos and – if you give them or are signed in – your name and e-mail address. The responsible city follows from the location.',
    'content.privacy.reports1':
      'Photos are re-encoded on upload, which removes all metadata, for example GPS position and camera details.',
    'content.privacy.reports2':
      'The page asks for your position only when you click “Use my current position”. Only the point you submit with the report is stored.',
    'content.privacy.reports3':
      'Published reports (description, location, photos, status) are public, also through the Open311 interface. Your name and e-mail address are never published; only the case workers of the responsible city see them.',
    'content.privacy.reports4':
      'With your e-mail address you confirm a report made without an account and receive status updates. Without an e-mail address, the city checks the report before it appears.',
    'content.privacy.reports5':
      'Reports stay stored when you delete your account; only the link to the account is removed. The platform does not yet delete reports automatically.',
    'content.privacy.reportsBasis': 'Legal basis: Art. 6(1)(e) GDPR in conjunction with § 4 LDSG.',
    'content.privacy.bonus': 'Bonus programme (Stadttaler)',
    'content.privacy.bonusText':
      'The bonus programme is voluntary and needs an account. We store your points account and every booking: for which action, at which place (QR code) and when you received points, and which vouchers you received and redeemed (code, reward, partner business, times). Partner businesses see the voucher code and the reward when redeeming, not your name. Points expire under the programme rules. When you delete your account, the bookings remain for settlement with the partner businesses, but without any link to you.',
    'content.privacy.audit': 'Staff audit log',
    'content.privacy.auditText':
      'Changes made by staff (for example to offers, reports or roles) are logged: which staff account changed what and when. The log refers to affected records (for example a report or a points booking) only by their number, never by citizens’ names or contact details.',
    'content.privacy.recipients': 'Recipients and transfers',
    'content.privacy.recipientsText':
      'Your data is not sold and not used for advertising. It goes only to the office responsible and to the technical operator of the platform as far as operation requires. There is no transfer to countries outside the EU.',
    'content.privacy.rights': 'Your rights',
    'content.privacy.rightsText': 'Under the General Data Protection Regulation you have the right to',
    'content.privacy.right15': 'access your stored data (Art. 15 GDPR),',
    'content.privacy.right16': 'rectification of incorrect data (Art. 16 GDPR),',
    'content.privacy.right17': 'erasure (Art. 17 GDPR),',
    'content.privacy.right18': 'restriction of processing (Art. 18 GDPR),',
    'content.privacy.right20': 'data portability (Art. 20 GDPR),',
    'content.privacy.right21': 'object to processing (Art. 21 GDPR).',
    'content.privacy.rightsHow': 'Please contact the controller named above.',
    'content.privacy.complaint': 'Complaint to the supervisory authority',
    'content.privacy.complaintText':
      'You can lodge a complaint with the data protection supervisory authority (Art. 77 GDPR):',

    'content.a11y.intro':
      '{org} strives to make the city platform accessible. The legal basis is § 10 of the Baden-Württemberg Disability Equality Act (L-BGG) together with the German Accessible Information Technology Ordinance (BITV 2.0); they implement Directive (EU) 2016/2102. For federal bodies, § 12b of the Federal Disability Equality Act (BGG) applies accordingly.',
    'content.a11y.scope': 'This statement applies to the pages under {url}.',
    'content.a11y.status': 'Compliance status',
    'content.a11y.statusText':
      'This website is partially compliant with BITV 2.0 (and thus with EN 301 549 and WCAG 2.1, level AA). The reasons are listed in the next section.',
    'content.a11y.gaps': 'Non-accessible content',
    'content.a11y.gapsText': 'The following content is not, or only partly, accessible:',
    'content.a11y.gapDgs':
      'Sign language: there are no videos in German Sign Language (DGS) yet, including the explanations on the start page that § 4 BITV 2.0 asks for. The videos have not been produced yet. Until then, the Leichte Sprache page explains the essentials; we answer questions by e-mail or through the form below.',
    'content.a11y.gapMap':
      'Maps: the location of an offer is shown as a map graphic, which blind people cannot use. The same information is given as address and coordinates in the text next to it. The link “Open in OpenStreetMap” leads to another website whose accessibility we cannot influence. In the defect reporter the location can be picked by clicking the map; without a mouse, enter an address or description of the place instead.',
    'content.a11y.gapQr':
      'Bonus programme: points for a visit are only given when the QR code on site is captured with a camera. There is no other way yet (such as a code to type in) for people who cannot find or capture the code.',
    'content.a11y.gapEasy':
      'Easy German: the overview page and the summaries of offers are available in Leichte Sprache. Other pages, such as this statement, the legal notice and the privacy policy, are not yet.',
    'content.a11y.gapManual':
      'Scope of testing: the pages have not yet been fully tested with screen readers or by an independent test body (for example with the BITV test). There may be barriers we do not know of yet. Please tell us about them.',
    'content.a11y.method': 'Preparation of this statement',
    'content.a11y.methodText': 'This statement was prepared on {date}. It is based on a self-assessment:',
    'content.a11y.method1':
      'Automated tests with axe-core in a browser (Chromium) against the rules for WCAG 2.0 and 2.1 (levels A and AA) and EN 301 549, as part of the software’s tests: start pages, search, offer and life-situation pages, sign-in and registration, staff pages and these legal pages, each also at 320 pixels width without horizontal scrolling. The pages of the defect reporter and of the Stadttaler programme are not yet part of these browser tests.',
    'content.a11y.method2':
      'Automated keyboard tests: searching through to an offer page, editing an offer in the staff area and the form on this page are operated with the keyboard only; focus must always be visible. The links of error summaries must lead to their fields.',
    'content.a11y.method3':
      'The pages are built to work without JavaScript (checked in the browser for search and offer pages); forms report errors with an error summary and at the field concerned.',
    'content.a11y.methodLimit':
      'Automated tests find only some of the possible barriers. That is why the website is rated “partially compliant”.',
    'content.a11y.feedback': 'Report barriers (feedback)',
    'content.a11y.feedbackText':
      'Have you found a barrier on this website? Or do you need content in another form? Write to us with the form or the contact details below. If you give us an e-mail address, we will answer within one month.',
    'content.a11y.contactAlt': 'You can also reach the office responsible here:',
    'content.a11y.mediation': 'Conciliation procedure',
    'content.a11y.mediationText':
      'If you get no answer, or no satisfactory one, you can apply for a free conciliation procedure. For websites of municipalities and state authorities in Baden-Württemberg, the conciliation body at the State Centre for Accessibility (LZ-BARR) is responsible (§ 10b L-BGG). People with disabilities living in Baden-Württemberg and recognised associations may apply. The conciliation body looks for a solution with both sides, without going to court.',
    'content.a11y.mediationAddress':
      'Landeszentrum Barrierefreiheit, Else-Josenhans-Straße 6, 70173 Stuttgart',
    'content.a11y.mediationLink': 'Application for conciliation at the Landeszentrum Barrierefreiheit',
    'content.a11y.mediationBund':
      'For websites of federal public bodies there is the conciliation body under § 16 of the Federal Disability Equality Act (BGG) at the Federal Government Commissioner for Matters relating to Persons with Disabilities:',
    'content.a11y.mediationBundLink': 'Conciliation body under the Disability Equality Act (BGG)',
    'content.a11y.enforcement': 'Enforcement procedure',
    'content.a11y.enforcementText':
      'Independently of conciliation, you can turn to the Baden-Württemberg State Government Commissioner for Matters relating to Persons with Disabilities (ombudsperson), who stands up for your rights towards public bodies of the state and the municipalities.',

    'content.feedback.name': 'Your name',
    'content.feedback.email': 'Your e-mail address',
    'content.feedback.emailHint': 'Only needed if you would like an answer.',
    'content.feedback.page': 'On which page is the barrier?',
    'content.feedback.pageHint': 'For example the address or title of the page.',
    'content.feedback.message': 'Your message',
    'content.feedback.messageHint': 'Please describe what does not work. At most 5,000 characters.',
    'content.feedback.submit': 'Send feedback',
    'content.feedback.privacy': 'How we process your details is explained in the',
    'content.feedback.error.messageMissing': 'Enter your message.',
    'content.feedback.error.messageLong': 'Your message must be 5,000 characters or fewer.',
    'content.feedback.error.email':
      'Enter an e-mail address in the correct format, like name@example.com – or leave the field empty.',
    'content.feedback.error.nameLong': 'Your name must be 200 characters or fewer.',
    'content.feedback.error.pageLong': 'The page details must be 500 characters or fewer.',
    'content.thanks.text': 'We have received your feedback and passed it on to the office responsible.',
    'content.thanks.reply': 'If you gave an e-mail address, we will answer within one month.',
    'content.thanks.back': 'Back to the accessibility statement',

    'content.easy.onlyGerman':
      'This page is only available in German, in Leichte Sprache (easy-to-read German).',
  },
});
