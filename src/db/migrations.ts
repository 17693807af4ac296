export { type Migration, migrations } from './migrations/index';
