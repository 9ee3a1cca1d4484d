/**
 * The only importer of qrcode: the enrollment QR code as a PNG data: URL (CSP allows data:
 * images). Loaded at the first enrollment, not in every process that never shows one.
 */
export const qrCodeDataUrl = async (text: string): Promise<string> => {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 232 });
};
