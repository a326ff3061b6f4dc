import remarkValidateLinks from 'remark-validate-links';

// `npm run docs:check`: every relative link and #anchor in the Markdown files must resolve.
// Offline by design: `repository: false` keeps it from reading the Git remote, and the plugin
// never fetches URLs (absolute http(s) links are not checked).
export default {
  plugins: [[remarkValidateLinks, { repository: false, root: '.' }]],
};
