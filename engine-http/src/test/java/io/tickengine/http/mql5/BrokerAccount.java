package io.tickengine.http.mql5;

import java.util.ArrayList;
import java.util.List;

/**
 * A trading account as the terminals logged in to it see it: positions and deal history, shared by every terminal
 * on the login. Netting (one position per symbol, deals add to or take from it) or hedging (each opening deal is
 * its own position; a deal with a position ticket reduces that one). Order comments are cut at 31 characters, as
 * MT5 does. Every symbol: digits 5, volume step 0.01, min 0.01, max {@link #volumeMax}, bid/ask fixed.
 */
final class BrokerAccount {
    /** One deal in the history. {@code buy}: the deal's direction. */
    record Deal(
            long ticket,
            String symbol,
            boolean buy,
            double volume,
            double price,
            long magic,
            String comment,
            long positionId) {}

    /** One open position; {@code volume} > 0, {@code buy} its direction. */
    static final class Position {
        final long ticket;
        final String symbol;
        boolean buy;
        double volume;
        final long magic;

        Position(final long ticket, final String symbol, final boolean buy, final double volume, final long magic) {
            this.ticket = ticket;
            this.symbol = symbol;
            this.buy = buy;
            this.volume = volume;
            this.magic = magic;
        }
    }

    static final int DIGITS = 5;
    static final double VOLUME_STEP = 0.01;
    static final double VOLUME_MIN = 0.01;
    static final double BID = 1.14273;
    static final double ASK = 1.14277;

    final boolean hedging;
    double volumeMax = 50;
    final List<Position> positions = new ArrayList<>();
    final List<Deal> deals = new ArrayList<>();
    private long nextTicket = 5_000_001;

    BrokerAccount(final boolean hedging) {
        this.hedging = hedging;
    }

    /** A trade made by hand in the terminal (magic 0). */
    synchronized Deal manual(final String symbol, final boolean buy, final double volume) {
        return deal(symbol, buy, volume, 0, 0, "");
    }

    /**
     * {@code OrderSend} of a market deal ({@code CTrade.Buy/Sell} when {@code position} is 0, a deal against a
     * position by its ticket otherwise).
     */
    synchronized Deal deal(
            final String symbol,
            final boolean buy,
            final double volume,
            final long position,
            final long magic,
            final String comment) {
        final String kept = comment.length() > 31 ? comment.substring(0, 31) : comment;
        final long ticket = nextTicket++;
        final double price = buy ? ASK : BID;
        long positionId;
        if (hedging) {
            if (position == 0) {
                positions.add(new Position(ticket, symbol, buy, volume, magic));
                positionId = ticket;
            } else {
                final Position p = byTicket(position);
                if (p.buy == buy || volume > p.volume + 1e-9) {
                    throw new IllegalStateException("invalid close of position " + position);
                }
                p.volume = round(p.volume - volume);
                if (p.volume == 0) {
                    positions.remove(p);
                }
                positionId = position;
            }
        } else {
            final Position p = bySymbol(symbol);
            if (p == null) {
                positions.add(new Position(ticket, symbol, buy, volume, magic));
                positionId = ticket;
            } else {
                if (position != 0 && position != p.ticket) {
                    throw new IllegalStateException("no position " + position);
                }
                final double signed = round((p.buy ? p.volume : -p.volume) + (buy ? volume : -volume));
                positionId = p.ticket;
                if (signed == 0) {
                    positions.remove(p);
                } else {
                    p.buy = signed > 0;
                    p.volume = Math.abs(signed);
                }
            }
        }
        final Deal deal = new Deal(ticket, symbol, buy, volume, price, magic, kept, positionId);
        deals.add(deal);
        return deal;
    }

    synchronized Position byTicket(final long ticket) {
        return positions.stream().filter(p -> p.ticket == ticket).findFirst().orElseThrow();
    }

    /** {@code PositionSelect(symbol)} on a netting account. */
    synchronized Position bySymbol(final String symbol) {
        return positions.stream()
                .filter(p -> p.symbol.equals(symbol))
                .findFirst()
                .orElse(null);
    }

    synchronized List<Position> positions() {
        return List.copyOf(positions);
    }

    synchronized List<Deal> deals() {
        return List.copyOf(deals);
    }

    /** @return the deals whose comment is this one. */
    synchronized long dealsWithComment(final String comment) {
        return deals.stream().filter(d -> d.comment().equals(comment)).count();
    }

    private static double round(final double lots) {
        return Math.round(lots * 1e8) / 1e8;
    }
}
