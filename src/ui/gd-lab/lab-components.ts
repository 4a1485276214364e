/** The components the lab's templates use, registered once. */
import '../attractor-panel/attractor-panel.ts';
import '../attractor-view/attractor-view.ts';
import '../basin-map/basin-map.ts';
import '../bifurcation-view/bifurcation-view.ts';
import '../colour-panel/colour-panel.ts';
import '../ensemble-panel/ensemble-panel.ts';
import '../gallery-entry/gallery-entry.ts';
import '../gallery-panel/gallery-panel.ts';
import '../map-legend/map-legend.ts';
import '../objective-panel/objective-panel.ts';
import '../optimizer-panel/optimizer-panel.ts';
import '../plane-panel/plane-panel.ts';
import '../trajectory-inspector/trajectory-inspector.ts';
