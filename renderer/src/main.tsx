import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connect } from './platform/connect';
import { ErrorBoundary, FatalError } from './features/shell/ErrorBoundary';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
try {
  const client = connect();
  root.render(
    <ErrorBoundary>
      <App client={client} />
    </ErrorBoundary>,
  );
} catch (e) {
  root.render(<FatalError message={(e as Error).message} />);
}
