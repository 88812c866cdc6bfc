import { render } from 'preact';
import { App } from './app';
import './lib/theme';
import './styles.css';

render(<App />, document.getElementById('app')!);
