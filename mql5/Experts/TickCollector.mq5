//+------------------------------------------------------------------+
//| TickCollector.mq5 - sends every tick of the chosen symbols to     |
//| the Tick Engine edge agent (or the engine itself).                |
//|                                                                  |
//| On a timer, for each symbol, CopyTicksRange in bounded windows    |
//| from the last tick time seen (OnTick fires for the chart symbol   |
//| only and coalesces). Ticks sharing the boundary millisecond are   |
//| counted, so none is sent twice and none is skipped. A failed or   |
//| partial answer is asked again before the position moves.          |
//| Each tick gets this install's source id and the next seq: the     |
//| engine drops a seq it has, so a batch resent after a failure is   |
//| never counted twice. The source id is generated once and kept in  |
//| the state file with the seq (written to a temporary file, then    |
//| renamed); a 409 (seq below the engine's window) or a batch called |
//| a duplicate on its first send starts a new source epoch, shown on |
//| the chart: ticks are never dropped silently.                      |
//| Batches are spooled to files before the position advances and     |
//| deleted only after a 2xx: a restart or an outage loses nothing.   |
//| A 413 halves the batch; a tick or symbol the engine refuses is    |
//| set aside with the reason and the rest of the batch flows.        |
//| Times: each tick is converted to UTC with the offset in force at  |
//| its own time: InpServerTz's rule, or without one the offset       |
//| TimeTradeServer() - TimeGMT() measured again for every batch.     |
//| At start the symbols' specifications go to POST /symbols.         |
//+------------------------------------------------------------------+
#property copyright "Tick Engine"
#property version   "2.00"
#property strict

#include <TickEngine/Http.mqh>
#include <TickEngine/Json.mqh>
#include <TickEngine/Symbols.mqh>
#include <TickEngine/ServerTime.mqh>

input string InpEndpoint        = "http://127.0.0.1:18000/ingest/tick"; // Edge agent (or engine) ingest URL
input string InpApiKey          = "";      // API key (scope ingest)
input string InpSymbols         = "";      // Symbols, comma-separated; empty = all of Market Watch
input string InpSymbolMap       = "";      // Broker=canonical names, e.g. EURUSD.m=EURUSD
input string InpSourceId        = "";      // Source id; empty = generated once per install
input string InpServerTz        = "";      // Broker time zone: NY+7, Europe/Athens, UTC+2; empty = measure per batch
input int    InpTimerMs         = 250;     // How often to collect and send
input int    InpBatchMax        = 500;     // Most ticks per request
input int    InpTimeoutMs       = 5000;    // WebRequest timeout
input int    InpStartMinutesAgo = 0;       // On the very first start, also send this much history
input int    InpWindowMinutes   = 60;      // Most history asked of CopyTicksRange at once, in minutes
input int    InpSpoolMaxBatches = 2000;    // Most batches kept on disk; above it collection pauses

#define TE_DIR "TickEngine"

string  g_symbols[];        // broker names
string  g_canonical[];      // names sent to the engine
long    g_lastMsc[];        // server time of the newest tick collected, per symbol
int     g_atLast[];         // ticks at exactly g_lastMsc already collected
long    g_scanMsc[];        // every tick before this server time is collected (quiet stretches, the start)
long    g_seq = 0;          // seq of the last tick collected
string  g_sourceBase;       // generated once per install (or InpSourceId)
int     g_epoch = 0;        // bumped when the engine shows the source was used by someone else
string  g_source;           // g_sourceBase, with ".e<epoch>" from epoch 1 on
long    g_attemptedSeq = 0; // the newest batch (by its last seq) sent at least once
string  g_ackedLine = "";   // the position after the newest acknowledged batch
string  g_spoolDir;
string  g_stateFile;
TeServerTz g_tz;            // InpServerTz
int     g_offsetS;          // the offset measured at the latest batch
long    g_prevUtc[];        // UTC time of the newest tick converted, per symbol (the autumn switch's repeated hour)
string  g_tzWarning = "";   // InpServerTz disagrees with the server clock
bool    g_symbolsPending;   // POST /symbols not yet answered
int     g_marketWatchTotal; // SymbolsTotal(true) when the symbols were last read
long    g_queue[];          // spooled batches not yet acknowledged (their last seq), oldest first
long    g_headSeq = 0;      // the batch whose parts are in memory (0: none)
string  g_headLine = "";    // its position line
string  g_parts[];          // what of it is still to send (a 413 halves a part)
TeBackoff g_backoff;
long    g_sent = 0;
long    g_refused = 0;
string  g_lastError = "";
string  g_alarm = "";       // shown until the condition clears
string  g_notice = "";      // the latest state change worth showing (new source, epoch, set-aside ticks)
uint    g_lastRoundTripMs = 0;

//+------------------------------------------------------------------+
int OnInit()
  {
   MathSrand((int)(GetTickCount() ^ (uint)GetMicrosecondCount()));
   // An EA keeps its globals across a chart or input change (OnDeinit, then OnInit): start from the files.
   g_sourceBase = "";
   g_epoch = 0;
   g_seq = 0;
   g_attemptedSeq = 0;
   g_ackedLine = "";
   g_headSeq = 0;
   ArrayResize(g_parts, 0);
   g_stateFile = TE_DIR + "\\" + (InpSourceId != "" ? "collector_" + InpSourceId : "collector") + ".state";
   g_spoolDir = TE_DIR + "\\" + (InpSourceId != "" ? "spool_" + InpSourceId : "spool");
   if(!TeParseServerTz(InpServerTz, g_tz))
     {
      PrintFormat("TickCollector: unknown time zone [value=%s, expected=NY+7, an IANA id such as Europe/Athens, or "
                  + "a fixed offset such as UTC+2]", InpServerTz);
      return INIT_PARAMETERS_INCORRECT;
     }
   g_offsetS = TeMeasuredOffsetSeconds();
   if(!LoadSymbols())
      return INIT_PARAMETERS_INCORRECT;
   g_symbolsPending = true;
   bool known = LoadState();
   LoadQueue(known);
   if(known && ArraySize(g_queue) == 0 && g_ackedLine != "" && LineSeq(g_ackedLine) < g_seq)
      Rewind(g_spoolDir);   // the spool folder went while the terminal was closed
   if(g_sourceBase == "")
     {
      // No state and no spool: a new install (or a deleted Files folder, or another PC). A new source, so
      // nothing is taken for a duplicate of what an earlier install sent.
      g_sourceBase = InpSourceId != "" ? InpSourceId : NewSourceId();
      g_epoch = 0;
      for(int i = 0; i < ArraySize(g_symbols); i++)
         StartPosition(i, InpStartMinutesAgo);
      g_ackedLine = PositionLine();
      g_notice = "no saved state: new source " + g_sourceBase + ", collecting from "
                 + (InpStartMinutesAgo > 0 ? IntegerToString(InpStartMinutesAgo) + " minutes ago" : "now");
      Print("TickCollector: ", g_notice);
     }
   else
      for(int i = 0; i < ArraySize(g_symbols); i++)
         if(g_lastMsc[i] == 0 && g_scanMsc[i] == 0)
            StartPosition(i, 0);   // added since the state was saved: from now, not from the start of its history
   g_source = SourceOf(g_sourceBase, g_epoch);
   SaveState();
   TeBackoffReset(g_backoff);
   EventSetMillisecondTimer(MathMax(50, InpTimerMs));
   PrintFormat("TickCollector started [source=%s, symbols=%d, serverTz=%s, offsetS=%d, pendingBatches=%d, seq=%I64d]",
               g_source, ArraySize(g_symbols), g_tz.kind == TE_TZ_MEASURED ? "measured" : g_tz.id, g_offsetS,
               ArraySize(g_queue), g_seq);
   return INIT_SUCCEEDED;
  }

void OnDeinit(const int reason)
  {
   EventKillTimer();
   SaveState();
   Comment("");
  }

void OnTimer()
  {
   if(InpSymbols == "" && SymbolsTotal(true) != g_marketWatchTotal)
      AddMarketWatchSymbols();
   if(g_symbolsPending)
      SendSymbols();
   Collect();
   Send();
   ShowStatus();
  }

//--- POST /symbols with the collected symbols (name, canonical name, digits, point, ...): the engine then rounds
//--- their prices, counts spreads in points and answers for both names. Retried at each timer while the engine or
//--- agent cannot be reached; a refusal (4xx) is shown and not retried.
void SendSymbols()
  {
   string body = "";
   for(int i = 0; i < ArraySize(g_symbols); i++)
      body += (i == 0 ? "[" : ",") + TeJsonSymbol(g_symbols[i], TeSafeSymbol(g_symbols[i]), g_canonical[i]);
   TeResponse response;
   int retryAfter = 0;
   if(TeRequest("POST", TeBaseUrl(InpEndpoint) + "/symbols", InpApiKey, "application/json", body + "]",
                InpTimeoutMs, response, retryAfter))
     {
      g_symbolsPending = false;
      return;
     }
   if(response.status >= 400 && response.status < 500 && response.status != 429)
     {
      g_symbolsPending = false;
      g_notice = "symbols not stored by the engine: " + response.error;
      Print("TickCollector: ", g_notice);
     }
  }

//--- Where a new state, or a symbol new to it, starts: after the ticks the terminal already has (to the
//--- millisecond, those of the newest millisecond counted), or minutesAgo before the newest.
void StartPosition(const int i, const int minutesAgo)
  {
   MqlTick newest;
   if(!SymbolInfoTick(g_symbols[i], newest) || newest.time_msc == 0)
     {
      g_scanMsc[i] = ((long)TimeTradeServer() - (long)minutesAgo * 60) * 1000;
      return;
     }
   if(minutesAgo > 0)
     {
      g_scanMsc[i] = (long)newest.time_msc - (long)minutesAgo * 60000;
      return;
     }
   MqlTick same[];
   int n = CopyTicksRange(g_symbols[i], same, COPY_TICKS_ALL, newest.time_msc, newest.time_msc);
   g_lastMsc[i] = (long)newest.time_msc;
   g_atLast[i] = n > 1 ? n : 1;
   g_scanMsc[i] = (long)newest.time_msc;
  }

//--- "mt5-<login>-<8 random hex digits>": two terminals on one login never share it.
string NewSourceId()
  {
   ulong r = ((ulong)MathRand() << 17) ^ ((ulong)MathRand() << 2) ^ GetMicrosecondCount() ^ (ulong)TimeLocal();
   return "mt5-" + IntegerToString(AccountInfoInteger(ACCOUNT_LOGIN)) + "-" + StringFormat("%08x", (uint)r);
  }

string SourceOf(const string base, const int epoch)
  {
   if(epoch == 0)
      return base;
   return StringSubstr(base, 0, 26) + ".e" + IntegerToString(epoch);   // the engine allows 32 characters
  }

//+------------------------------------------------------------------+
//| Symbols from the input, or all of Market Watch.                   |
//+------------------------------------------------------------------+
bool LoadSymbols()
  {
   string list[];
   int n = 0;
   if(InpSymbols != "")
      n = StringSplit(InpSymbols, ',', list);
   else
     {
      n = SymbolsTotal(true);
      ArrayResize(list, n);
      for(int i = 0; i < n; i++)
         list[i] = SymbolName(i, true);
     }
   g_marketWatchTotal = SymbolsTotal(true);
   ArrayResize(g_symbols, 0);
   for(int i = 0; i < n; i++)
      if(!AddSymbol(list[i]))
         return false;
   return ArraySize(g_symbols) > 0;
  }

//--- Adds a symbol to the collection (no position yet); false if the terminal does not know it.
bool AddSymbol(const string name)
  {
   string s = name;
   StringTrimLeft(s);
   StringTrimRight(s);
   if(s == "")
      return true;
   for(int i = 0; i < ArraySize(g_symbols); i++)
      if(g_symbols[i] == s)
         return true;
   if(!SymbolSelect(s, true))
     {
      PrintFormat("TickCollector: unknown symbol [symbol=%s]", s);
      return false;
     }
   int k = ArraySize(g_symbols);
   ArrayResize(g_symbols, k + 1);
   ArrayResize(g_canonical, k + 1);
   ArrayResize(g_lastMsc, k + 1);
   ArrayResize(g_atLast, k + 1);
   ArrayResize(g_scanMsc, k + 1);
   ArrayResize(g_prevUtc, k + 1);
   g_symbols[k] = s;
   string mapped = TeCanonical(s, InpSymbolMap);
   g_canonical[k] = TeSafeSymbol(mapped);
   if(g_canonical[k] != mapped)
     {
      g_notice = "symbol " + mapped + " sent as " + g_canonical[k] + " (name outside the engine's characters;"
                 + " choose another with InpSymbolMap)";
      Print("TickCollector: ", g_notice);
     }
   g_lastMsc[k] = 0;
   g_atLast[k] = 0;
   g_scanMsc[k] = 0;
   g_prevUtc[k] = 0;
   return true;
  }

//--- With InpSymbols empty, a symbol added to Market Watch is collected from then on (its history before is
//--- BackfillHistory's), and its specification goes to POST /symbols.
void AddMarketWatchSymbols()
  {
   g_marketWatchTotal = SymbolsTotal(true);
   int before = ArraySize(g_symbols);
   for(int i = 0; i < g_marketWatchTotal; i++)
      AddSymbol(SymbolName(i, true));
   if(ArraySize(g_symbols) == before)
      return;
   for(int k = before; k < ArraySize(g_symbols); k++)
      StartPosition(k, 0);
   SaveState();
   g_symbolsPending = true;
   g_notice = IntegerToString(ArraySize(g_symbols) - before) + " symbol(s) added from Market Watch, collected from now";
   Print("TickCollector: ", g_notice);
  }

//+------------------------------------------------------------------+
//| New ticks of every symbol into spooled batches. The position only |
//| moves once the batch holding its ticks is on disk.                |
//+------------------------------------------------------------------+
void Collect()
  {
   int count = ArraySize(g_symbols);
   if(ArraySize(g_queue) >= InpSpoolMaxBatches)
     {
      SpoolFull();
      return;
     }
   long last[];
   int at[];
   long scan[];
   ArrayCopy(last, g_lastMsc);
   ArrayCopy(at, g_atLast);
   ArrayCopy(scan, g_scanMsc);
   long seq = g_seq;
   string batch = "";
   int inBatch = 0;
   long windowMsc = (long)(InpWindowMinutes > 0 ? InpWindowMinutes : 1) * 60000;
   // Measured for every batch: the broker's clock moves an hour at its daylight-saving switches.
   g_offsetS = TeMeasuredOffsetSeconds();
   CheckServerTz();
   for(int i = 0; i < count; i++)
     {
      MqlTick newest;
      if(!SymbolInfoTick(g_symbols[i], newest))
         continue;
      long from = last[i] > scan[i] ? last[i] : scan[i];
      long to = from + windowMsc - 1;
      if(to > (long)newest.time_msc)
         to = (long)newest.time_msc;
      if(to < from)
         continue;
      MqlTick ticks[];
      ResetLastError();
      int n = CopyTicksRange(g_symbols[i], ticks, COPY_TICKS_ALL, (ulong)from, (ulong)to);
      int error = GetLastError();
      if(n < 0 || error != 0)
        {
         // ERR_HISTORY_TIMEOUT and the like come with a partial answer: take none of it, ask again next timer.
         g_lastError = "history of " + g_symbols[i] + " not ready, error " + IntegerToString(error);
         continue;
        }
      int digits = (int)SymbolInfoInteger(g_symbols[i], SYMBOL_DIGITS);
      int skip = at[i];
      for(int k = 0; k < n; k++)
        {
         long t = ticks[k].time_msc;
         // CopyTicksRange starts AT the last millisecond: the ticks of it already collected come first.
         if(t == last[i] && skip > 0)
           {
            skip--;
            continue;
           }
         if(t == last[i])
            at[i]++;
         else
           {
            last[i] = t;
            at[i] = 1;
           }
         seq++;
         long utc = g_tz.kind == TE_TZ_MEASURED ? t - (long)g_offsetS * 1000 : TeServerToUtcMsc(g_tz, t, g_prevUtc[i]);
         g_prevUtc[i] = utc;
         string json = TeJsonTick(g_canonical[i], ticks[k], utc, digits, g_source, seq, (int)((t - utc) / 1000));
         batch += (inBatch == 0 ? "[" : ",") + json;
         inBatch++;
         if(inBatch == InpBatchMax)
           {
            if(!Spool(batch + "]", seq, last, at, scan))
               return;
            batch = "";
            inBatch = 0;
            if(ArraySize(g_queue) >= InpSpoolMaxBatches)
              {
               SpoolFull();
               return;
              }
           }
        }
      // Ticks reach the terminal in time order: once a newer one is there, the window is complete.
      if(to < (long)newest.time_msc)
         scan[i] = to + 1;
     }
   if(inBatch > 0)
     {
      Spool(batch + "]", seq, last, at, scan);
      return;
     }
   // No tick pending: what moved is only the scan over quiet stretches.
   ArrayCopy(g_scanMsc, scan);
  }

//--- With a rule, its offset now should be the measured one: a wrong InpServerTz shows on the chart.
void CheckServerTz()
  {
   if(g_tz.kind == TE_TZ_MEASURED)
     {
      g_tzWarning = "";
      return;
     }
   int ruleS = TeOffsetAtUtc(g_tz, (long)TimeGMT());
   string warning = ruleS == g_offsetS ? ""
                    : StringFormat("InpServerTz=%s gives UTC%+d min now, the server clock is at UTC%+d min: check it",
                                   g_tz.id, ruleS / 60, g_offsetS / 60);
   if(warning != "" && warning != g_tzWarning)
      Print("TickCollector: ", warning);
   g_tzWarning = warning;
  }

void SpoolFull()
  {
   string alarm = "spool full (" + IntegerToString(ArraySize(g_queue)) + " batches): collection paused, "
                  + "nothing is lost while the terminal keeps its history";
   if(g_alarm != alarm)
      Print("TickCollector: ALARM ", alarm);
   g_alarm = alarm;
  }

//+------------------------------------------------------------------+
//| A batch file: source, position after the batch, then the body.    |
//| Written before the position moves, so a restart resumes after it, |
//| and a file that cannot be written leaves the ticks to collect     |
//| again.                                                            |
//+------------------------------------------------------------------+
bool Spool(const string body, const long seq, const long &last[], const int &at[], const long &scan[])
  {
   string line = PositionLineOf(seq, last, at, scan);
   string name = SpoolName(seq);
   if(!TeWriteFileAtomic(g_spoolDir, name, g_sourceBase + ";" + IntegerToString(g_epoch) + "\n" + line + "\n" + body))
     {
      string alarm = "cannot write spool file " + name + ", error " + IntegerToString(GetLastError())
                     + ": collection paused";
      if(g_alarm != alarm)
         Print("TickCollector: ALARM ", alarm);
      g_alarm = alarm;
      return false;
     }
   g_alarm = "";
   int k = ArraySize(g_queue);
   ArrayResize(g_queue, k + 1);
   g_queue[k] = seq;
   g_seq = seq;
   ArrayCopy(g_lastMsc, last);
   ArrayCopy(g_atLast, at);
   ArrayCopy(g_scanMsc, scan);
   SaveState();
   return true;
  }

string SpoolName(const long seq)
  {
   return g_spoolDir + "\\" + StringFormat("%020I64d", seq) + ".json";
  }

//--- text to folder\name through folder\name.tmp and a rename, so a reader never sees half a file.
bool TeWriteFileAtomic(const string folder, const string name, const string text)
  {
   FolderCreate(folder);   // it may have been deleted under the running EA
   string tmp = name + ".tmp";
   ResetLastError();
   int h = FileOpen(tmp, FILE_WRITE | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return false;
   uint written = FileWriteString(h, text);
   FileFlush(h);
   FileClose(h);
   if(written < (uint)StringLen(text) || !FileMove(tmp, 0, name, FILE_REWRITE))
     {
      FileDelete(tmp);
      return false;
     }
   return true;
  }

//+------------------------------------------------------------------+
//| Sends spooled batches in order; stops at the first failure.       |
//+------------------------------------------------------------------+
void Send()
  {
   while(ArraySize(g_queue) > 0 && TeBackoffReady(g_backoff))
     {
      if(!LoadHead())
         continue;
      bool first = g_queue[0] > g_attemptedSeq;
      if(first)
        {
         g_attemptedSeq = g_queue[0];
         SaveState();
        }
      TeResponse response;
      int retryAfter = 0;
      bool ok = TeRequest("POST", InpEndpoint, InpApiKey, "application/json", g_parts[0], InpTimeoutMs, response,
                          retryAfter);
      g_lastRoundTripMs = response.roundTripMs;
      if(ok)
        {
         long accepted = TeJsonGetLong(response.body, "accepted", 0);
         long duplicates = TeJsonGetLong(response.body, "duplicates", 0);
         TeBackoffReset(g_backoff);
         g_lastError = "";
         if(first && duplicates > 0 && accepted == 0)
           {
            // Never sent before, yet all known: another terminal uses this source, or its state went back.
            NewEpoch("the engine already had seqs up to " + IntegerToString(g_queue[0]) + " of " + g_source);
            continue;
           }
         if(first && duplicates > 0)
           {
            g_alarm = IntegerToString(duplicates) + " ticks of batch " + IntegerToString(g_queue[0])
                      + " were taken for duplicates of another sender's: they may be missing";
            Print("TickCollector: ALARM ", g_alarm);
            NewEpoch("the engine had some of these seqs from another sender");
           }
         g_sent += accepted;
         ArrayRemove(g_parts, 0, 1);
         if(ArraySize(g_parts) == 0)
            AckHead();
         continue;
        }
      g_lastError = response.error;
      if(response.status == 409)
        {
         NewEpoch("seq below the engine's window for " + g_source);
         continue;
        }
      if(response.status == 413)
        {
         SplitPart();
         continue;
        }
      if(response.status == 400)
        {
         SetAside(TeJsonGetLong(response.body, "index", -1), TeJsonGetString(response.body, "field"),
                  TeJsonGetString(response.body, "error"));
         continue;
        }
      // 401/403 are a wrong key: the batches wait, with backoff, until the key is fixed.
      TeBackoffFail(g_backoff, 30000, retryAfter);
      break;
     }
  }

//--- The oldest batch into memory (once). A file that has gone (the Files folder deleted under the running EA)
//--- sends the collector back to the position after the newest acknowledged batch: nothing after it has reached
//--- the engine, so its ticks are collected again with the same seqs.
bool LoadHead()
  {
   if(g_headSeq == g_queue[0])
      return true;
   string name = SpoolName(g_queue[0]);
   string source, line, body;
   if(!ReadSpool(name, source, line, body))
     {
      Rewind(name);
      return false;
     }
   if(source != g_source)
      StringReplace(body, "\"source\":" + TeJsonString(source) + ",", "\"source\":" + TeJsonString(g_source) + ",");
   g_headSeq = g_queue[0];
   g_headLine = line;
   ArrayResize(g_parts, 1);
   g_parts[0] = body;
   return true;
  }

void Rewind(const string missing)
  {
   bool sentBefore = g_ackedLine != "" && g_attemptedSeq > LineSeq(g_ackedLine);
   for(int i = 0; i < ArraySize(g_queue); i++)
      FileDelete(SpoolName(g_queue[i]));
   ArrayResize(g_queue, 0);
   g_headSeq = 0;
   if(g_ackedLine != "")
     {
      ApplyPositionLine(g_ackedLine);
      g_notice = "spool file " + missing + " is gone: collecting again from seq " + IntegerToString(g_seq + 1);
      Print("TickCollector: ", g_notice);
     }
   else
     {
      // State file and spool both lost before a batch was acknowledged in this run: the position before them
      // is unknown.
      g_alarm = "spool file " + missing + " is gone and no position before it is known: its ticks are missing";
      Print("TickCollector: ALARM ", g_alarm);
     }
   if(sentBefore)
      NewEpoch("a batch that may have reached the engine is gone");   // seqs reused for other ticks would be lost
   SaveState();
  }

void AckHead()
  {
   FileDelete(SpoolName(g_queue[0]));
   g_ackedLine = g_headLine;
   g_headSeq = 0;
   ArrayRemove(g_queue, 0, 1);
   SaveState();
  }

//--- A new source for everything not yet acknowledged; seqs keep their numbers (the new source has none).
void NewEpoch(const string reason)
  {
   string old = g_source;
   g_epoch++;
   g_source = SourceOf(g_sourceBase, g_epoch);
   for(int i = 0; i < ArraySize(g_parts); i++)
      StringReplace(g_parts[i], "\"source\":" + TeJsonString(old) + ",", "\"source\":" + TeJsonString(g_source) + ",");
   g_notice = "new source epoch " + g_source + ": " + reason;
   Print("TickCollector: ", g_notice);
   SaveState();
  }

//--- 413: the part in two halves, sent in order; a single tick that is still too large is set aside.
void SplitPart()
  {
   string items[];
   int n = TeJsonSplitArray(g_parts[0], items);
   if(n <= 1)
     {
      SetAside(0, "", "413 for a single tick");
      return;
     }
   int half = n / 2;
   int k = ArraySize(g_parts);
   ArrayResize(g_parts, k + 1);
   for(int i = k; i > 1; i--)
      g_parts[i] = g_parts[i - 1];
   g_parts[0] = TeJsonJoinArray(items, 0, half);
   g_parts[1] = TeJsonJoinArray(items, half, n - half);
  }

//--- 400: the tick at index (every tick of its symbol when the symbol is refused) is written to
//--- TickEngine/refused/ with the reason, and the rest of the part is sent again.
void SetAside(const long index, const string field, const string reason)
  {
   string items[];
   int n = TeJsonSplitArray(g_parts[0], items);
   string refusedSymbol = (field == "symbol" && index >= 0 && index < n) ? TeJsonGetString(items[(int)index], "symbol") : "";
   string kept[];
   string aside = "";
   int asideCount = 0;
   for(int i = 0; i < n; i++)
     {
      bool refused = index < 0 || index >= n || i == index
                     || (refusedSymbol != "" && TeJsonGetString(items[i], "symbol") == refusedSymbol);
      if(refused)
        {
         aside += items[i] + "\n";
         asideCount++;
        }
      else
        {
         int k = ArraySize(kept);
         ArrayResize(kept, k + 1);
         kept[k] = items[i];
        }
     }
   string folder = TE_DIR + "\\refused";
   string name = folder + "\\" + StringFormat("%020I64d_%d", g_headSeq, (int)GetMicrosecondCount()) + ".txt";
   TeWriteFileAtomic(folder, name, reason + "\n" + aside);
   g_refused += asideCount;
   g_notice = IntegerToString(asideCount) + " ticks refused by the engine"
              + (refusedSymbol != "" ? " (symbol " + refusedSymbol + ")" : "") + ", kept in " + name + ": " + reason;
   Print("TickCollector: ", g_notice);
   if(ArraySize(kept) > 0)
      g_parts[0] = TeJsonJoinArray(kept, 0, ArraySize(kept));
   else
     {
      ArrayRemove(g_parts, 0, 1);
      if(ArraySize(g_parts) == 0)
         AckHead();
     }
  }

bool ReadSpool(const string name, string &source, string &line, string &body)
  {
   if(!FileIsExist(name))
      return false;
   int h = FileOpen(name, FILE_READ | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return false;
   string header[];
   if(StringSplit(FileReadString(h), ';', header) == 2)
      source = SourceOf(header[0], (int)StringToInteger(header[1]));
   line = FileReadString(h);
   body = FileReadString(h);
   FileClose(h);
   return body != "";
  }

//+------------------------------------------------------------------+
//| Position: "seq;symbol=lastMsc:atLast:scanMsc;..."                 |
//+------------------------------------------------------------------+
string PositionLineOf(const long seq, const long &last[], const int &at[], const long &scan[])
  {
   string line = IntegerToString(seq);
   for(int i = 0; i < ArraySize(g_symbols); i++)
      line += ";" + g_symbols[i] + "=" + IntegerToString(last[i]) + ":" + IntegerToString(at[i]) + ":"
              + IntegerToString(scan[i]);
   return line;
  }

string PositionLine()
  {
   return PositionLineOf(g_seq, g_lastMsc, g_atLast, g_scanMsc);
  }

long LineSeq(const string line)
  {
   string parts[];
   return StringSplit(line, ';', parts) >= 1 ? StringToInteger(parts[0]) : -1;
  }

void ApplyPositionLine(const string line)
  {
   string parts[];
   int n = StringSplit(line, ';', parts);
   if(n < 1)
      return;
   g_seq = StringToInteger(parts[0]);
   for(int p = 1; p < n; p++)
     {
      string kv[];
      if(StringSplit(parts[p], '=', kv) != 2)
         continue;
      string pos[];
      if(StringSplit(kv[1], ':', pos) != 3)
         continue;
      for(int i = 0; i < ArraySize(g_symbols); i++)
         if(g_symbols[i] == kv[0])
           {
            g_lastMsc[i] = StringToInteger(pos[0]);
            g_atLast[i] = (int)StringToInteger(pos[1]);
            g_scanMsc[i] = StringToInteger(pos[2]);
           }
     }
  }

//+------------------------------------------------------------------+
//| State file: "v2;sourceBase;epoch;attemptedSeq", the position, the |
//| position after the newest acknowledged batch.                     |
//+------------------------------------------------------------------+
void SaveState()
  {
   string text = "v2;" + g_sourceBase + ";" + IntegerToString(g_epoch) + ";" + IntegerToString(g_attemptedSeq) + "\n"
                 + PositionLine() + "\n" + g_ackedLine;
   if(!TeWriteFileAtomic(TE_DIR, g_stateFile, text))
      g_lastError = "cannot write " + g_stateFile + ", error " + IntegerToString(GetLastError());
  }

bool LoadState()
  {
   if(!FileIsExist(g_stateFile))
      return false;
   int h = FileOpen(g_stateFile, FILE_READ | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return false;
   string header[];
   bool ok = StringSplit(FileReadString(h), ';', header) == 4 && header[0] == "v2" && header[1] != "";
   string position = FileReadString(h);
   string acked = FileReadString(h);
   FileClose(h);
   if(!ok)
      return false;   // none, or version 1's (which had no source in it): treated as no state
   g_sourceBase = header[1];
   g_epoch = (int)StringToInteger(header[2]);
   g_attemptedSeq = StringToInteger(header[3]);
   ApplyPositionLine(position);
   g_ackedLine = acked;
   return true;
  }

//--- Spooled batches left by an earlier run, oldest first, from their names alone; only the newest file is
//--- opened, for its position when it is newer than the state file's (or there is no state file).
void LoadQueue(const bool knownState)
  {
   string name;
   ArrayResize(g_queue, 0);
   long handle = FileFindFirst(g_spoolDir + "\\*.json", name);
   if(handle != INVALID_HANDLE)
     {
      do
        {
         long seq = StringToInteger(StringSubstr(name, 0, StringFind(name, ".")));
         if(seq <= 0)
            continue;
         int k = ArraySize(g_queue);
         ArrayResize(g_queue, k + 1);
         g_queue[k] = seq;
        }
      while(FileFindNext(handle, name));
      FileFindClose(handle);
     }
   ArraySort(g_queue);   // numeric: seq order
   int n = ArraySize(g_queue);
   if(n == 0)
      return;
   string line;
   string newest = SpoolName(g_queue[n - 1]);
   int h = FileOpen(newest, FILE_READ | FILE_TXT | FILE_ANSI);
   if(h == INVALID_HANDLE)
      return;
   string header[];
   bool ok = StringSplit(FileReadString(h), ';', header) == 2;
   line = FileReadString(h);
   FileClose(h);
   if(!ok)
      return;
   if(!knownState)
     {
      // The state file is gone but the spool is not: the batches carry the source and the position.
      g_sourceBase = header[0];
      g_epoch = (int)StringToInteger(header[1]);
      g_attemptedSeq = g_queue[n - 1];   // unknown: take every spooled batch as possibly sent
      g_ackedLine = "";
      g_notice = "state file gone: source and position taken from the spool";
     }
   if(LineSeq(line) > g_seq)
      ApplyPositionLine(line);
  }

void ShowStatus()
  {
   Comment(StringFormat("TickCollector [source %s]\nsent: %I64d ticks   pending batches: %d   seq: %I64d   refused: %I64d\n"
                        + "round trip: %u ms   last error: %s\n%s%s",
                        g_source, g_sent, ArraySize(g_queue), g_seq, g_refused, g_lastRoundTripMs,
                        g_lastError == "" ? "none" : g_lastError,
                        g_alarm == "" ? "" : "ALARM: " + g_alarm + "\n",
                        g_tzWarning == "" ? g_notice : g_tzWarning + "\n" + g_notice));
  }
//+------------------------------------------------------------------+
