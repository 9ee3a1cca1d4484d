/**
 * Every message the worker answers passes here first. The sender decides which commands it may
 * even name: our own pages get page commands (and only the callback page may finish a sign-in);
 * our content script gets content commands, and only from a tab's top frame; anything else —
 * another extension, a frame, a page we do not know — is refused without being parsed further.
 */
import type { MessageSender } from '../shared/browser.js';
import { isCallbackPage, isExtensionPage } from '../shared/credential-policy.js';
import {
  failure,
  parseContentCommand,
  parsePageCommand,
  type ContentCommand,
  type PageCommand,
  type Reply,
} from '../shared/messages.js';

export interface Handlers {
  page(command: PageCommand): Promise<Reply>;
  /** Content handlers check the sender against the resource they are asked about. */
  content(command: ContentCommand, sender: MessageSender): Promise<Reply>;
}

export function createRouter(extensionId: string, extensionBase: string, handlers: Handlers) {
  return (message: unknown, sender: MessageSender): Promise<Reply> => {
    if (isExtensionPage(sender, extensionId, extensionBase)) {
      const command = parsePageCommand(message);
      if (!command) return Promise.resolve(failure('not a jitgate command', 'bad_command'));
      if (
        command.command === 'auth.complete' &&
        !isCallbackPage(sender, extensionId, extensionBase)
      )
        return Promise.resolve(failure('only the callback page finishes a sign-in', 'refused'));
      return handlers.page(command);
    }
    const fromContent =
      sender.id === extensionId && sender.frameId === 0 && typeof sender.tab?.id === 'number';
    if (!fromContent) return Promise.resolve(failure('sender refused', 'refused'));
    const command = parseContentCommand(message);
    if (!command) return Promise.resolve(failure('not a jitgate command', 'bad_command'));
    return handlers.content(command, sender);
  };
}
