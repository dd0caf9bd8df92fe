//+------------------------------------------------------------------+
//| Json.mqh - the JSON Tick Engine EAs send and read.                |
//| Building: compact, fields in a fixed order, prices with the       |
//| symbol's digits (exactly what mql5/tests/*.json hold).           |
//| Reading: flat objects only (the engine's answers are flat).       |
//+------------------------------------------------------------------+
#property strict

#ifndef TICKENGINE_JSON_MQH
#define TICKENGINE_JSON_MQH

//--- JSON string literal (symbols and ids never need escapes, messages may).
string TeJsonString(const string value)
  {
   string s = value;
   StringReplace(s, "\\", "\\\\");
   StringReplace(s, "\"", "\\\"");
   StringReplace(s, "\r", "\\r");
   StringReplace(s, "\n", "\\n");
   StringReplace(s, "\t", "\\t");
   return "\"" + s + "\"";
  }

//--- The MqlTick flag bits the engine knows (TICK_FLAG_BID|ASK|LAST|VOLUME|BUY|SELL): any other bit a
//--- terminal sets would get the whole request refused.
#define TE_TICK_FLAGS 126

//--- One tick: {"symbol":..,"time_msc":..,"bid":..,"ask":..,"last":..,"volume":..,"volume_real":..,
//--- "flags":..,"source":..,"seq":..,"server_offset_s":..}. timeMscUtc is already converted to UTC.
string TeJsonTick(const string symbol, const MqlTick &tick, const long timeMscUtc, const int digits,
                  const string source, const long seq, const int serverOffsetS)
  {
   return "{\"symbol\":" + TeJsonString(symbol)
          + ",\"time_msc\":" + IntegerToString(timeMscUtc)
          + ",\"bid\":" + DoubleToString(tick.bid, digits)
          + ",\"ask\":" + DoubleToString(tick.ask, digits)
          + ",\"last\":" + DoubleToString(tick.last, digits)
          + ",\"volume\":" + IntegerToString((long)tick.volume)
          + ",\"volume_real\":" + DoubleToString(tick.volume_real, 8)
          + ",\"flags\":" + IntegerToString((long)(tick.flags & TE_TICK_FLAGS))
          + ",\"source\":" + TeJsonString(source)
          + ",\"seq\":" + IntegerToString(seq)
          + ",\"server_offset_s\":" + IntegerToString(serverOffsetS) + "}";
  }

//--- One bar for POST /ingest: times are the bar's UTC open time in ms; spread in price units.
string TeJsonBar(const string symbol, const string timeframe, const MqlRates &rate, const long openTimeMscUtc,
                 const int digits, const double point)
  {
   return "{\"symbol\":" + TeJsonString(symbol)
          + ",\"timeframe\":" + TeJsonString(timeframe)
          + ",\"time_msc\":" + IntegerToString(openTimeMscUtc)
          + ",\"open\":" + DoubleToString(rate.open, digits)
          + ",\"high\":" + DoubleToString(rate.high, digits)
          + ",\"low\":" + DoubleToString(rate.low, digits)
          + ",\"close\":" + DoubleToString(rate.close, digits)
          + ",\"tick_volume\":" + IntegerToString(rate.tick_volume)
          + ",\"real_volume\":" + IntegerToString(rate.real_volume)
          + ",\"spread\":" + DoubleToString(rate.spread * point, digits) + "}";
  }

//--- A string member that MT5 may leave empty: null then (the engine refuses an empty currency).
string TeJsonStringOrNull(const string value, const int maxLength)
  {
   return value == "" ? "null" : TeJsonString(StringSubstr(value, 0, maxLength));
  }

//--- A number MT5 may leave at 0: null then (the engine wants it above 0).
string TeJsonPositiveOrNull(const double value, const int digits)
  {
   return value > 0 ? DoubleToString(value, digits) : "null";
  }

//--- One entry of POST /symbols: the broker's name as sent (TeSafeSymbol), the name the engine stores it under, and
//--- the specification of brokerSymbol.
string TeJsonSymbol(const string brokerSymbol, const string name, const string canonical)
  {
   int digits = (int)SymbolInfoInteger(brokerSymbol, SYMBOL_DIGITS);
   return "{\"name\":" + TeJsonString(name)
          + ",\"canonical\":" + TeJsonString(canonical)
          + ",\"digits\":" + IntegerToString(digits)
          + ",\"point\":" + DoubleToString(SymbolInfoDouble(brokerSymbol, SYMBOL_POINT), digits)
          + ",\"tick_size\":" + TeJsonPositiveOrNull(SymbolInfoDouble(brokerSymbol, SYMBOL_TRADE_TICK_SIZE), digits)
          + ",\"contract_size\":" + TeJsonPositiveOrNull(SymbolInfoDouble(brokerSymbol, SYMBOL_TRADE_CONTRACT_SIZE), 2)
          + ",\"currency_base\":" + TeJsonStringOrNull(SymbolInfoString(brokerSymbol, SYMBOL_CURRENCY_BASE), 16)
          + ",\"currency_profit\":" + TeJsonStringOrNull(SymbolInfoString(brokerSymbol, SYMBOL_CURRENCY_PROFIT), 16)
          + ",\"currency_margin\":" + TeJsonStringOrNull(SymbolInfoString(brokerSymbol, SYMBOL_CURRENCY_MARGIN), 16)
          + ",\"description\":" + TeJsonStringOrNull(SymbolInfoString(brokerSymbol, SYMBOL_DESCRIPTION), 256) + "}";
  }

//--- The ack of POST /signals/ack.
string TeJsonAck(const string signalId, const string leaseId, const string consumer, const string result,
                 const ulong ticket, const double fillPrice, const uint retcode, const string message)
  {
   return "{\"signal_id\":" + TeJsonString(signalId)
          + ",\"lease_id\":" + TeJsonString(leaseId)
          + ",\"consumer\":" + TeJsonString(consumer)
          + ",\"result\":" + TeJsonString(result)
          + ",\"ticket\":" + IntegerToString((long)ticket)
          + ",\"fill_price\":" + (fillPrice > 0 ? DoubleToString(fillPrice, 8) : "null")
          + ",\"retcode\":" + IntegerToString((long)retcode)
          + ",\"message\":" + TeJsonString(message) + "}";
  }

//--- The objects of a JSON array of flat objects ("[{..},{..}]"), as text, in order.
int TeJsonSplitArray(const string json, string &items[])
  {
   ArrayResize(items, 0);
   int len = StringLen(json);
   int depth = 0;
   int start = -1;
   bool inString = false;
   for(int i = 0; i < len; i++)
     {
      ushort c = StringGetCharacter(json, i);
      if(inString)
        {
         if(c == '\\')
            i++;
         else if(c == '"')
            inString = false;
         continue;
        }
      if(c == '"')
         inString = true;
      else if(c == '{')
        {
         if(depth == 0)
            start = i;
         depth++;
        }
      else if(c == '}')
        {
         depth--;
         if(depth == 0 && start >= 0)
           {
            int k = ArraySize(items);
            ArrayResize(items, k + 1);
            items[k] = StringSubstr(json, start, i - start + 1);
            start = -1;
           }
        }
     }
   return ArraySize(items);
  }

//--- items[from .. from + count - 1] as a JSON array.
string TeJsonJoinArray(const string &items[], const int from, const int count)
  {
   string out = "[";
   for(int i = from; i < from + count; i++)
      out += (i == from ? "" : ",") + items[i];
   return out + "]";
  }

//--- Raw text of a top-level member's value in a flat object, "" if absent (strings keep their quotes).
string TeJsonRaw(const string json, const string key)
  {
   string needle = "\"" + key + "\":";
   int at = StringFind(json, needle);
   if(at < 0)
      return "";
   int start = at + StringLen(needle);
   int len = StringLen(json);
   if(start < len && StringGetCharacter(json, start) == '"')
     {
      int end = start + 1;
      while(end < len)
        {
         ushort c = StringGetCharacter(json, end);
         if(c == '\\')
           {
            end += 2;
            continue;
           }
         if(c == '"')
            break;
         end++;
        }
      return StringSubstr(json, start, end - start + 1);
     }
   int end = start;
   while(end < len)
     {
      ushort c = StringGetCharacter(json, end);
      if(c == ',' || c == '}')
         break;
      end++;
     }
   return StringSubstr(json, start, end - start);
  }

string TeJsonGetString(const string json, const string key)
  {
   string raw = TeJsonRaw(json, key);
   if(StringLen(raw) < 2 || StringGetCharacter(raw, 0) != '"')
      return "";
   string s = StringSubstr(raw, 1, StringLen(raw) - 2);
   StringReplace(s, "\\\"", "\"");
   StringReplace(s, "\\\\", "\\");
   return s;
  }

double TeJsonGetDouble(const string json, const string key, const double fallback)
  {
   string raw = TeJsonRaw(json, key);
   if(raw == "" || raw == "null")
      return fallback;
   return StringToDouble(raw);
  }

long TeJsonGetLong(const string json, const string key, const long fallback)
  {
   string raw = TeJsonRaw(json, key);
   if(raw == "" || raw == "null")
      return fallback;
   return StringToInteger(raw);
  }

#endif
