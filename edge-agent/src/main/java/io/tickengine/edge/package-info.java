/** The store-and-forward agent that runs beside MT5 on the Windows host (built by the edge agent issue). */
package io.tickengine.edge;
