/** QR codes drawn on the server as SVG (no script, no other host): printable and inline. */
import QRCode from 'qrcode';

/** SVG markup of a QR code for text; error correction M survives print wear and screen glare. */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
    color: { dark: '#000000', light: '#ffffff' },
  });
}
