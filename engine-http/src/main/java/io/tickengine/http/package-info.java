/** The engine's Netty HTTP front and the {@code tick-engine} executable (built by the HTTP issue). */
package io.tickengine.http;
