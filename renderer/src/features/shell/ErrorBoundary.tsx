import { Component, type ReactNode } from 'react';

export function FatalError({ message }: { message: string }) {
  return (
    <div className="fatal" role="alert">
      <h1>ScanLabel could not start</h1>
      <p>{message}</p>
    </div>
  );
}

/** Any render error shows a readable message instead of a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <FatalError message={this.state.error.message} /> : this.props.children;
  }
}
