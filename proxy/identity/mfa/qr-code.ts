/** The only importer of qrcode: the enrollment QR code as a PNG data: URL (CSP allows data: images). */
import QRCode from 'qrcode';

export const qrCodeDataUrl = (text: string): Promise<string> =>
  QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 232 });
