/**
 * `resources[].formLogin`: a web app with its own login form. The proxy mints a username and
 * password per grant, the browser extension fills them into that form on the app's exact origin
 * (top frame only, never shown to the person), and the app checks them with
 * `POST /api/v1/form-credentials/verify` (docs/extension.md).
 */
import { z } from 'zod';

/** A CSS selector, bounded; the extension queries it in the app's login page. */
const selector = z.string().min(1).max(200);

export const formLoginSchema = z
  .object({
    loginPath: z
      .string()
      .regex(/^\/[^?#\s]*$/, 'must be a path such as "/login" (no query or fragment)')
      .default('/login')
      .describe('Path of the app page with the login form; the extension fills only there.'),
    usernameSelector: selector
      .default('input[name="username"]')
      .describe('CSS selector of the username field.'),
    passwordSelector: selector
      .default('input[type="password"]')
      .describe('CSS selector of the password field.'),
    submitSelector: selector
      .default('button[type="submit"]')
      .describe('CSS selector of the button that submits the form.'),
  })
  .strict();

export type FormLoginConfig = z.output<typeof formLoginSchema>;
