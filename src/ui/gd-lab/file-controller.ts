/**
 * PNG export and opening files, as a ReactiveController of the lab: export at screen resolution or
 * recomputed at a chosen size (cancellable), the download, and opening a gdlab PNG or spec JSON
 * (picked or dropped on the page). The lab hands it what it needs through `FileHost`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import type { BifurcationView } from '../bifurcation-view/bifurcation-view.ts';
import type { AttractorView } from '../attractor-view/attractor-view.ts';
import type { LabBackend, MapFrame } from '../engine-host/backend.ts';
import { isAbort } from '../engine-host/backend.ts';
import { readSpecFromPng } from '../../experiment/png.ts';
import { exportFileName, exportPng, readSpecFile } from './export.ts';
import { checkExportOptions, type ExportOptions } from './export-options.ts';
import { ExportDoneEvent } from '../shared/events.ts';

export interface FileHost extends ReactiveControllerHost, HTMLElement {
  readonly spec: ExperimentSpec;
  readonly backend: LabBackend | null;
  readonly frame: MapFrame | null;
  readonly ensembleView: BifurcationView | AttractorView | null;
  setError(key: 'export' | 'open', message: string | null): void;
  /** Opens a checked spec as a new experiment (its view becomes the one Reset returns to). */
  openSpec(spec: ExperimentSpec, source: string): void;
  /** Export progress in [0, 1], null when done. */
  exportProgress(p: number | null): void;
}

export class FileController implements ReactiveController {
  exporting = false;
  dragging = false;
  /** Bytes of the last exported PNG (tests read them; the user gets a download). */
  lastExport: Uint8Array | null = null;
  /** The file name the last export was offered under. */
  lastExportName: string | null = null;
  private controller: AbortController | null = null;

  constructor(private readonly host: FileHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('dragover', this.onDragOver);
    this.host.addEventListener('dragleave', this.onDragLeave);
    this.host.addEventListener('drop', this.onDrop);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('dragover', this.onDragOver);
    this.host.removeEventListener('dragleave', this.onDragLeave);
    this.host.removeEventListener('drop', this.onDrop);
    this.controller?.abort();
  }

  /** Starts an export, or cancels the one running. */
  toggleExport(opts: ExportOptions): void {
    if (this.exporting) this.controller?.abort(new DOMException('export cancelled', 'AbortError'));
    else void this.export(opts);
  }

  private async export(opts: ExportOptions): Promise<void> {
    const { spec, backend, frame } = this.host;
    const view = spec.kind !== 'basin' ? this.host.ensembleView : null;
    const ready = spec.kind !== 'basin' ? !!view?.ready : !!backend && !!frame && !frame.coarse;
    const what = spec.kind === 'basin' ? 'map' : 'diagram';
    // Checked here for every view: an ensemble view's export would recompute at the bad size too.
    let refused = ready ? null : `wait for the ${what} to finish before exporting`;
    try {
      checkExportOptions(opts);
    } catch (e) {
      refused = (e as Error).message;
    }
    if (refused) {
      this.host.setError('export', refused);
      this.host.dispatchEvent(new ExportDoneEvent());
      return;
    }
    this.exporting = true;
    this.host.requestUpdate();
    const controller = new AbortController();
    this.controller = controller;
    const onProgress = (p: number) => this.host.exportProgress(p);
    try {
      const bytes = view
        ? await view.exportPng(opts, controller.signal, onProgress)
        : await exportPng(backend!, frame!, spec, opts, onProgress, controller.signal);
      if (!bytes) this.host.setError('export', `wait for the ${what} to finish before exporting`);
      else this.download(bytes);
    } catch (e) {
      if (!isAbort(e)) this.host.setError('export', (e as Error).message);
    } finally {
      this.exporting = false;
      this.controller = null;
      this.host.exportProgress(null);
      this.host.requestUpdate();
      this.host.dispatchEvent(new ExportDoneEvent());
    }
  }

  /**
   * Hands the PNG to the user as a download (and keeps it and its name for tests). The name states
   * the grid of the spec the PNG carries, read back from it: the lab's spec holds the screen's grid,
   * which an export at a chosen side recomputes at another.
   */
  private download(bytes: Uint8Array): void {
    this.lastExport = bytes;
    this.lastExportName = exportFileName(readSpecFromPng(bytes));
    this.host.setError('export', null);
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = this.lastExportName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Opens a PNG exported by gdlab (or a spec JSON file) and restores its exact view. */
  async openFile(file: File): Promise<void> {
    try {
      this.host.openSpec(await readSpecFile(file), file.name);
    } catch (e) {
      this.host.setError('open', `${file.name}: ${(e as Error).message}`);
    }
  }

  private onDragOver = (e: DragEvent): void => {
    e.preventDefault();
    this.dragging = true;
    this.host.requestUpdate();
  };

  private onDragLeave = (): void => {
    this.dragging = false;
    this.host.requestUpdate();
  };

  private onDrop = (e: DragEvent): void => {
    e.preventDefault();
    this.dragging = false;
    this.host.requestUpdate();
    const file = e.dataTransfer?.files[0];
    if (file) void this.openFile(file);
  };
}
