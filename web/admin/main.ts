import { Dashboard } from './dashboard.js';

// A module script runs after the document is parsed, so every element is there.
void new Dashboard().start();
