export interface Toast {
  id: number;
  text: string;
}

/** Problems reported by the simulator (a refused action, an app that did not answer), shown for a few seconds. */
export function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <div class="toasts" role="alert">
      {toasts.map((toast) => <div key={toast.id} class="toast">{toast.text}</div>)}
    </div>
  );
}
