import { SignUpWall } from './sign-up-wall.js';

// A module script runs after the document is parsed, so every element is there.
void new SignUpWall().start();
