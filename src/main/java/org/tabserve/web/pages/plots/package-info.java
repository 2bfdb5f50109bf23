/**
 * The pages' pictures, as shapes already placed for the one template fragment that draws them as inline SVG
 * ({@link org.tabserve.web.pages.plots.Plot}, placed by {@link org.tabserve.web.pages.plots.Plots}): the card page's
 * (with the figures they go with), the form's contributions, the live overlays and the models index's sparklines; and
 * the way pictures and pages alike write numbers and names for people (rounding, bidirectional isolation, which classes
 * are named one by one). It stands below {@code pages}, which imports it: it stands on the model and the JDK alone and
 * never names a type of {@code pages} or of the rest of the web app.
 */
package org.tabserve.web.pages.plots;
