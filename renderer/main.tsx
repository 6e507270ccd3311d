import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createWorkstationClient } from './api/workstationClient';
import { App } from './app/App';
import './styles/theme.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App client={createWorkstationClient()} />
  </StrictMode>,
);
