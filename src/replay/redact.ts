// Connection strings appear in messages and logs only with the password replaced.

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; also masks `password=` parameters. */
export function redactUrl(url: string): string {
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@');
  out = out.replace(/([?&;\s]|^)(password|sslpassword)=[^&;\s]*/gi, '$1$2=***');
  return out;
}
