/**
 * What a served model version has scored, per input, on its card's training profile, and how far it has drifted from
 * it ({@link org.tabserve.model.live.LiveProfile}).
 */
package org.tabserve.model.live;
