// The exact command a person runs to put the app back by hand when the action could not.
import type { PlatformName } from './names.js';
import type { Release } from './platform.js';

export function recoveryCommand(platform: PlatformName, app: string, target: Release): string {
  switch (platform) {
    case 'heroku':
      return `heroku releases:rollback ${target.label} --app ${app}`;
    case 'fly':
      return `fly deploy --app ${app} --image ${target.id}`;
  }
}
