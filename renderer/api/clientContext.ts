/** The one WorkstationClient of this window, for components that talk to main. */
import { createContext, useContext } from 'react';
import type { WorkstationClient } from './workstationClient';

export const ClientContext = createContext<WorkstationClient | null>(null);

export function useClient(): WorkstationClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}
