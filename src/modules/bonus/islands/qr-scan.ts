/**
 * Camera scan for the partner forms: adds a "scan" button next to a code field (inside an element
 * with data-qr-scan) when the browser has BarcodeDetector and a camera. The scanned code only fills
 * the field; the partner still confirms with the form's button. Without this script, or without a
 * camera, the field is typed as before.
 */

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type DetectorCtor = new (options: { formats: string[] }) => BarcodeDetectorLike;

const TEXT = {
  de: {
    scan: 'Mit der Kamera scannen',
    stop: 'Scannen beenden',
    found: 'Code erkannt: {code}. Bitte prüfen und bestätigen.',
    denied: 'Die Kamera ist nicht verfügbar. Bitte tippen Sie den Code ein.',
    video: 'Kamerabild',
  },
  en: {
    scan: 'Scan with the camera',
    stop: 'Stop scanning',
    found: 'Code found: {code}. Please check and confirm.',
    denied: 'The camera is not available. Please type the code.',
    video: 'Camera image',
  },
};

/** The code inside a scanned value: a redeem link carries it as ?code=, a member code is the text. */
export function codeFromScan(raw: string): string {
  const text = raw.trim();
  try {
    const url = new URL(text);
    const code = url.searchParams.get('code');
    if (code) return code;
  } catch {
    // not a URL: the text itself
  }
  return text.slice(0, 20);
}

function enhance(container: HTMLElement, Detector: DetectorCtor) {
  const input = container.querySelector<HTMLInputElement>('input[type="text"], input:not([type])');
  if (!input || container.querySelector('.sp-qrscan')) return;
  const text = document.documentElement.lang.startsWith('en') ? TEXT.en : TEXT.de;
  const box = document.createElement('div');
  box.className = 'sp-qrscan';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'kern-btn kern-btn--tertiary';
  const label = document.createElement('span');
  label.className = 'kern-label';
  label.textContent = text.scan;
  button.append(label);
  const status = document.createElement('p');
  status.className = 'kern-body--small';
  status.setAttribute('role', 'status');
  box.append(button, status);
  container.append(box);

  let stream: MediaStream | undefined;
  let video: HTMLVideoElement | undefined;
  let timer: number | undefined;

  const stop = () => {
    if (timer) window.clearInterval(timer);
    timer = undefined;
    for (const t of stream?.getTracks() ?? []) t.stop();
    stream = undefined;
    video?.remove();
    video = undefined;
    label.textContent = text.scan;
  };

  button.addEventListener('click', async () => {
    if (stream) return stop();
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment' },
        audio: false,
      });
    } catch {
      status.textContent = text.denied;
      return;
    }
    video = document.createElement('video');
    video.className = 'sp-qrscan__video';
    video.muted = true;
    video.playsInline = true;
    video.setAttribute('aria-label', text.video);
    video.srcObject = stream;
    box.insertBefore(video, status);
    await video.play().catch(() => {});
    label.textContent = text.stop;
    const detector = new Detector({ formats: ['qr_code'] });
    timer = window.setInterval(async () => {
      if (!video) return;
      const found = await detector.detect(video).catch(() => []);
      const raw = found[0]?.rawValue;
      if (!raw) return;
      const code = codeFromScan(raw);
      input.value = code;
      stop();
      status.textContent = text.found.replace('{code}', code);
      input.focus();
    }, 250);
  });
  window.addEventListener('pagehide', stop);
}

const Detector = (window as unknown as { BarcodeDetector?: DetectorCtor }).BarcodeDetector;
if (Detector && typeof navigator.mediaDevices?.getUserMedia === 'function')
  for (const el of document.querySelectorAll<HTMLElement>('[data-qr-scan]')) enhance(el, Detector);
