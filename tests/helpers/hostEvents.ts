/** A running host's event stream, as a queue a test or benchmark can wait on. */
import type { WorkstationEvent } from '../../shared/api';
import type { HostProcess } from './hostProcess';

export async function openEvents(host: HostProcess) {
  const controller = new AbortController();
  const response = await fetch(`${host.origin}/api/events`, { headers: { Authorization: `Bearer ${host.token}` }, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const seen: WorkstationEvent[] = [];
  let buffered = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffered += decoder.decode(value);
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('data: ')) seen.push(JSON.parse(line.slice(6)) as WorkstationEvent);
    }
  })();
  return {
    /**
     * The first event (received and not yet taken) that matches, waiting for it. With
     * `dropEarlier`, the events received before it are dropped too, so a later wait only sees
     * what came after it.
     */
    async next(match: (event: WorkstationEvent) => boolean, timeoutMs = 60_000, options: { dropEarlier?: boolean } = {}): Promise<WorkstationEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = seen.findIndex(match);
        if (index >= 0) return seen.splice(options.dropEarlier ? 0 : index, options.dropEarlier ? index + 1 : 1).at(-1)!;
        if (Date.now() > deadline) throw new Error('event did not come');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    /** Events received and not yet taken by next(). */
    pending: (): readonly WorkstationEvent[] => [...seen],
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}


/** Calls the host's API with its token. */
export async function callHost(host: HostProcess, name: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const response = await fetch(`${host.origin}/api/request/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
    body: JSON.stringify(input),
  });
  return (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
}

/** Calls the host's API and returns the value; a refusal throws with its code and message. */
export async function callHostValue<T>(host: HostProcess, name: string, input: unknown): Promise<T> {
  const answer = await callHost(host, name, input);
  if (!answer.ok) throw new Error(`${name}: ${answer.error?.code} ${answer.error?.message}`);
  return answer.value as T;
}

/** The library's only (or first) study, opened through the API as the viewer opens it. */
export async function openFirstStudy<Opened>(host: HostProcess): Promise<Opened> {
  const page = await callHost(host, 'library.searchStudies', {});
  const study = (page.value as { studies: Array<{ studyInstanceUid: string }> } | undefined)?.studies[0];
  if (!study) throw new Error('the library has no study');
  return (await callHost(host, 'viewer.openStudy', { studyInstanceUid: study.studyInstanceUid })).value as Opened;
}
