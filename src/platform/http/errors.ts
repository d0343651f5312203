/** An error meant for the person or client: its message is shown as it is. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: { errors?: Record<string, string>; type?: string },
  ) {
    super(message);
  }
}

export const notFound = (what = 'Nicht gefunden') => new HttpError(404, what);
export const forbidden = (what = 'Keine Berechtigung für diese Aktion') => new HttpError(403, what);
export const badRequest = (what: string, errors?: Record<string, string>) =>
  new HttpError(400, what, errors ? { errors } : undefined);
export const unprocessable = (what: string, errors?: Record<string, string>) =>
  new HttpError(422, what, errors ? { errors } : undefined);
export const conflict = (what: string) => new HttpError(409, what);
