import '@xyflow/react/dist/base.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { detectApi } from './api';
import { App } from './App';
import { StoreProvider } from './context';
import { createStore } from './store';

const store = createStore(detectApi());
// The browser tests and the UI benchmark read state through this handle; it carries no credentials.
(window as unknown as { __fluxplan: typeof store }).__fluxplan = store;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
